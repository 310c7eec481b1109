import { runCommand, type ArgsDef, type CommandDef } from 'citty';
import { registry, type CommandEntry } from './commands/index.ts';
import { processIO, reportError, type CliIO } from './output.ts';

function usage(): string {
  const lines = Object.entries(registry).map(([name, c]) => `  ${name.padEnd(12)} ${c.description}`);
  return ['Usage: coursemail <command> [options]', '', 'Commands:', ...lines, '', 'Run `coursemail <command> --help` for its options.'].join('\n');
}

const resolveCommand = (entry: CommandEntry, io: CliIO): CommandDef<ArgsDef> => (typeof entry === 'function' ? entry(io) : entry);

/** Follows `subscribers list …` down to the sub-command the help is asked for (citty shows the parent's). */
async function helpTarget(cmd: CommandDef<ArgsDef>, args: string[]): Promise<CommandDef<ArgsDef>> {
  const [word, ...more] = args.filter((a) => !a.startsWith('-'));
  if (!word || !cmd.subCommands) return cmd;
  const subs = (await (typeof cmd.subCommands === 'function' ? cmd.subCommands() : cmd.subCommands)) as Record<string, unknown>;
  const raw = subs[word];
  if (!raw) return cmd;
  const sub = (await (typeof raw === 'function' ? (raw as () => unknown)() : raw)) as CommandDef<ArgsDef>;
  return helpTarget(sub, more);
}

/** Entry point; returns the exit code so tests can call it in-process. */
export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    io.out(usage());
    return name ? 0 : 2;
  }
  const entry = Object.hasOwn(registry, name) ? registry[name] : undefined;
  if (!entry) {
    io.err(`coursemail: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    const cmd = resolveCommand(await entry.load(), io);
    if (rest.includes('--help') || rest.includes('-h')) {
      const { renderUsage } = await import('citty');
      const target = await helpTarget(cmd, rest);
      io.out(await renderUsage(target, target === cmd ? undefined : cmd));
      return 0;
    }
    const { result } = await runCommand(cmd, { rawArgs: rest });
    return typeof result === 'number' ? result : 0;
  } catch (err) {
    return reportError(io, err);
  }
}
