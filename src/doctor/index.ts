/** `coursemail doctor`: what a launch needs, one check a line, each failure with its fix. */
export { runDoctor, type DoctorOptions } from './run.ts';
export type { CheckResult } from './check.ts';
export { DNS_SERVER_ENV } from './dns-records.ts';
