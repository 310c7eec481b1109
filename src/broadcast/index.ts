/**
 * broadcast: one-off messages from `broadcasts/<slug>.md` (or a console draft standing for one) to every active subscriber, or one series'.
 * A send records the content hash and fixes the recipients in the database, so a resumed send never changes what goes out or to whom.
 */
export { loadBroadcast, listBroadcastSlugs, renderBroadcast, slugOf, type BroadcastDraft, type BroadcastSource, type SeriesLookup } from './draft.ts';
export { draftFileText, exportDraft, renderStoredDraft, slugProblem, storedDraftSource, type ExportResult } from './stored-draft.ts';
export { broadcastMessages, type BroadcastMessages } from './messages.ts';
export { planSend, startSend, type BroadcastContext, type SendAction, type SendPlan, type StartResult } from './send.ts';
export { progressOf, broadcastStatuses, cancelBroadcast, type BroadcastProgress, type BroadcastStatus } from './progress.ts';
export { runBroadcast, type RunBroadcastOptions } from './run.ts';
export { releaseScheduledBroadcasts } from './release.ts';
export { sendBroadcastTest } from './test-send.ts';
