import { defineCommand, runCommand, type ArgsDef, type CommandDef } from 'citty';
import { runBuild } from './commands/build.ts';
import { processIO, reportError, type CliIO } from './output.ts';

const rootArg = { root: { type: 'string', description: 'project root (holds coursemail.config.json, series/, emails/)', default: '.' } } as const;

function commands(io: CliIO): Record<string, CommandDef<ArgsDef>> {
  const build = defineCommand({
    meta: { name: 'build', description: 'compile series into previews/<id>/NN-slug.{html,txt} and manifest.json' },
    args: {
      ...rootArg,
      series: { type: 'string', description: 'only this series id' },
      out: { type: 'string', description: 'output directory (default previews/)' },
      engine: { type: 'string', description: 'override the series engine: react | mjml' },
    },
    run: async ({ args }) => {
      const engine = args.engine as 'react' | 'mjml' | undefined;
      if (engine && engine !== 'react' && engine !== 'mjml') throw new Error('--engine must be react or mjml');
      return runBuild({ root: args.root, series: args.series, out: args.out, engine, write: true }, io);
    },
  });
  const check = defineCommand({
    meta: { name: 'check', description: 'validate content and compliance of every message; non-zero exit with every problem listed' },
    args: { ...rootArg, series: { type: 'string', description: 'only this series id' } },
    run: async ({ args }) => runBuild({ root: args.root, series: args.series, write: false }, io),
  });
  return { build, check } as Record<string, CommandDef<ArgsDef>>;
}

function usage(all: Record<string, CommandDef<ArgsDef>>): string {
  const lines = Object.entries(all).map(([name, c]) => `  ${name.padEnd(12)} ${(c.meta as { description?: string })?.description ?? ''}`);
  return ['Usage: coursemail <command> [options]', '', 'Commands:', ...lines, '', 'Run `coursemail <command> --help` for its options.'].join('\n');
}

/** Entry point; returns the exit code so tests can call it in-process. */
export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const all = commands(io);
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
