/** `coursemail doctor`: what a launch needs, one check a line, each failure with its fix. */
export { runDoctor, type DoctorOptions } from './run.ts';
