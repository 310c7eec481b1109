/**
 * broadcast: one-off messages from `broadcasts/<slug>.md`, or a console draft standing for
 * such a file, to every active subscriber (or one series'). A draft is rendered once and guarded; a send records the file's content hash,
 * fixes the recipients in the database, and goes out through the worker path. The CLI and
 * the preview UI call these functions; the worker takes `broadcastMessages(...).lookup` and
 * calls `releaseScheduledBroadcasts` each pass.
 */
export { loadBroadcast, listBroadcastSlugs, renderBroadcast, slugOf, type BroadcastDraft, type BroadcastSource, type SeriesLookup } from './draft.ts';
export { contentHash } from './file.ts';
export { draftFileText, exportDraft, renderStoredDraft, slugProblem, storedDraftSource, type ExportResult } from './stored-draft.ts';
export { broadcastMessages, type BroadcastMessages } from './messages.ts';
export { countRecipients, sampleRecipients } from './audience.ts';
export { planSend, startSend, releaseScheduledBroadcasts, type BroadcastContext, type SendAction, type SendPlan, type StartResult } from './send.ts';
export { progressOf, broadcastStatuses, cancelBroadcast, type BroadcastProgress, type BroadcastStatus } from './progress.ts';
export { runBroadcast, type RunBroadcastOptions } from './run.ts';
export { sendBroadcastTest } from './test-send.ts';
