/**
 * send: the one place that knows both the store and a transport. It schedules due lessons
 * into delivery rows, claims them in leased batches, fills and guards each message, hands
 * the batch to the transport and records what happened.
 */
export type { OutgoingMessage, SendOutcome, Transport } from './transport.ts';
export { StopRunError } from './transport.ts';
export { composeMessage, type ComposeInput } from './compose.ts';
export { entryOf, type Catalog, type CatalogEntry } from './catalog.ts';
export { buildCatalog } from './build-catalog.ts';
export { enqueueDue, type EnqueueResult } from './enqueue-due.ts';
export { Worker, type WorkerOptions, type RunSummary, type BatchSummary, type BroadcastLookup } from './worker.ts';
export { workerId } from './worker-id.ts';
