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

/** Turns a thrown error into an exit code and a message; unknown errors keep their stack. */
export function reportError(io: CliIO, err: unknown): number {
  if (err instanceof CoursemailError) {
    io.err(`coursemail: ${err.message}`);
    return 1;
  }
  io.err(`coursemail: unexpected error: ${(err as Error)?.stack ?? String(err)}`);
  return 2;
}
