import type { Config } from '../config/index.ts';
import { sendTest, type TestSendResult } from '../send/test-send.ts';
import type { Transport } from '../send/index.ts';
import { CoursemailError } from '../shared/index.ts';
import type { BroadcastDraft } from './draft.ts';

/**
 * The draft to the author (`config.testAddress` or `to`), subject prefixed "[TEST] ", filled
 * for a sample reader, through the given transport. Refused like a real send when the draft
 * has problems.
 */
export async function sendBroadcastTest(input: {
  draft: BroadcastDraft;
  config: Config;
  transport: Transport;
  now: Date;
  to?: string;
}): Promise<TestSendResult> {
  const { draft } = input;
  if (!draft.built) throw new CoursemailError('broadcast.refused', `Test not sent: ${draft.file} does not pass the checks.`, draft.problems);
  return sendTest({
    message: draft.built.message,
    config: input.config,
    transport: input.transport,
    now: input.now,
    to: input.to,
    tags: { broadcast: draft.slug },
  });
}
