/**
 * Subscribers, above the store: what an address, a name and a time zone may be
 * (normalize, validate, sanitize), and the bulk operations — CSV import, export of
 * everything held, erasure.
 */
export { normalizeEmail, type NormalizedEmail } from './normalize-email.ts';
export { validateTimezone } from './timezone.ts';
export { readTimezone, zoneChoices, type ZoneChoice } from './zones.ts';
export { sanitizeName, nameProblem } from './name.ts';
export { importCsv, unneutralize, MAX_RECORD_BYTES, type ImportOptions, type ImportProgress, type ImportResult, type BadRow } from './import-csv.ts';
export { importReaders, queueConfirmations, type ReadersImport } from './import-readers.ts';
export { exportSubscribers, neutralizeFormula, EXPORT_COLUMNS, type ExportFormat } from './export.ts';
export { forgetSubscriber } from './forget.ts';
