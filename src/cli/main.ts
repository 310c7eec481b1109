import { defineCommand, runCommand, type ArgsDef, type CommandDef } from 'citty';
import { registry } from './commands/index.ts';
import { processIO, reportError, type CliIO } from './output.ts';

function usage(all: Record<string, CommandDef<ArgsDef>>): string {
  const lines = Object.entries(all).map(([name, c]) => `  ${name.padEnd(12)} ${(c.meta as { description?: string })?.description ?? ''}`);
  return ['Usage: coursemail <command> [options]', '', 'Commands:', ...lines, '', 'Run `coursemail <command> --help` for its options.'].join('\n');
}

/** Entry point; returns the exit code so tests can call it in-process. */
export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const all = Object.fromEntries(Object.entries(registry).map(([k, make]) => [k, typeof make === 'function' ? make(io) : make]));
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    io.out(usage(all));
    return name ? 0 : 2;
  }
  const cmd = all[name];
  if (!cmd) {
    io.err(`coursemail: unknown command "${name}"\n\n${usage(all)}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    const { renderUsage } = await import('citty');
    io.out(await renderUsage(cmd));
    return 0;
  }
  try {
    const { result } = await runCommand(cmd, { rawArgs: rest });
    return typeof result === 'number' ? result : 0;
  } catch (err) {
    return reportError(io, err);
  }
}
