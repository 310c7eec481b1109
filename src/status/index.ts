/**
 * status: what the coach sees of a running course, per series, lesson and broadcast, and the complaint rate against the bulk-sender limit.
 * Pure over the store's counts, no opens or clicks; `readStatus` gathers the counts through the `StatusSource` it declares.
 */
export { statusReport } from './report.ts';
export { readStatus, type StatusSource } from './source.ts';
export { complaintRate } from './complaint-rate.ts';
export { formatStatus, complaintLine, COLUMNS } from './table.ts';
export { LEGEND } from './reach.ts';
export type * from './types.ts';
