/**
 * `draft`: an article (Markdown, HTML or plain text) → a draft series folder. `draftSeries`
 * is pure (bytes in, files and warnings out); `writeSeriesFolder` is the only I/O.
 */
export { draftSeries, parseWordBudget, DEFAULT_WORDS } from './draft.ts';
export { dayLabel, GREETING } from './compose.ts';
export { writeSeriesFolder } from './write.ts';
export type { Draft, DraftOptions } from './types.ts';
