/**
 * status: what the coach sees of a running course, per series, lesson and broadcast, and the complaint rate against the bulk-sender limit.
 * Pure over the store's counts, no opens or clicks; `readStatus` gathers the counts through the `StatusSource` it declares.
 */
export { statusReport } from './report.ts';
export { readStatus, type StatusSource } from './source.ts';
export { complaintRate, COMPLAINT_LIMIT, COMPLAINT_WARN_ABOVE } from './complaint-rate.ts';
export { formatStatus, complaintLine, percent, COLUMNS } from './table.ts';
export { unreported, LEGEND } from './reach.ts';
export type * from './types.ts';
