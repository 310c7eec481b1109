/** Where a project keeps its one-off messages, beside `series/`: content reads both. */
export const BROADCASTS_DIR = 'broadcasts';
