import { defineCommand } from 'citty';
import type { CliIO } from '../output.ts';
import { rootArg } from './args.ts';
import { runBuild } from './build.ts';

export const checkCommand = (io: CliIO) =>
  defineCommand({
    meta: { name: 'check', description: 'validate content and compliance of every message; non-zero exit with every problem listed' },
    args: { ...rootArg, series: { type: 'string', description: 'only this series id' } },
    run: async ({ args }) => runBuild({ root: args.root, series: args.series, write: false }, io),
  });
