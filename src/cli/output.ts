import { StopRunError } from '../send/transport.ts';
import { CoursemailError, formatProblem, type Problem } from '../shared/index.ts';

/** Where commands print; tests pass their own to capture output. */
export interface CliIO {
  out: (line: string) => void;
  err: (line: string) => void;
}

export const processIO: CliIO = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export function printProblems(io: CliIO, problems: Problem[], heading: string): void {
  io.err(`${heading} (${problems.length} problem${problems.length === 1 ? '' : 's'}):`);
  for (const p of problems) io.err(`  ✗ ${formatProblem(p)}`);
}

/** Advice that does not refuse anything: what the author wrote that will not reach the reader as written. */
export function printWarnings(io: CliIO, warnings: Problem[]): void {
  if (!warnings.length) return;
  io.err(`${warnings.length} warning${warnings.length === 1 ? '' : 's'}:`);
  for (const w of warnings) io.err(`  ! ${formatProblem(w)}`);
}

/** The exit codes, as the README lists them. */
export const EXIT = { done: 0, refused: 1, usage: 2, providerStop: 3, bug: 70 } as const;

/**
 * Turns a thrown error into an exit code and a message. What the user or the provider can
 * fix reads as one line; only an unknown error (a bug) prints its stack, with a plea to report it.
 */
export function reportError(io: CliIO, err: unknown): number {
  if (err instanceof StopRunError) {
    io.err(`coursemail: stopped: ${err.message} Nothing more was sent; the unsent deliveries stay queued.`);
    return EXIT.providerStop;
  }
  if (err instanceof CoursemailError) {
    io.err(`coursemail: ${err.message}`);
    return EXIT.refused;
  }
  io.err(`coursemail: unexpected error: ${(err as Error)?.stack ?? String(err)}`);
  io.err('coursemail: this is a bug in coursemail; please report it with the lines above.');
  return EXIT.bug;
}
