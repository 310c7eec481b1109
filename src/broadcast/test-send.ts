import { sendTest, type TestSendInput, type TestSendResult } from '../send/test-send.ts';
import { CoursemailError } from '../shared/index.ts';
import type { BroadcastDraft } from './draft.ts';

/**
 * The draft to the author (`config.testAddress` or `to`), subject prefixed "[TEST] ", filled
 * for a sample reader, through the given transport. Refused like a real send when the draft
 * has problems.
 */
export async function sendBroadcastTest({
  draft,
  ...input
}: Omit<TestSendInput, 'message' | 'sample' | 'tags'> & { draft: BroadcastDraft }): Promise<TestSendResult> {
  if (!draft.built) throw new CoursemailError('broadcast.refused', `Test not sent: ${draft.file} does not pass the checks.`, draft.problems);
  return sendTest({ ...input, message: draft.built.message, tags: { broadcast: draft.slug } });
}
