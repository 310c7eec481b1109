import type { ArgsDef, CommandDef } from 'citty';
import type { CliIO } from '../output.ts';
import { broadcastCommand } from './broadcast.ts';
import { buildCommand } from './build.ts';
import { checkCommand } from './check.ts';
import { devCommand } from './dev.ts';
import { embedCommand } from './embed.ts';
import { enrollCommand } from './enroll.ts';
import { newCommand } from './new.ts';
import { sendTestCommand } from './send-test.ts';
import { serveCommand } from './serve.ts';
import { simulateCommand } from './simulate.ts';
import { statusCommand } from './status.ts';
import { subscribersCommand } from './subscribers.ts';
import { suppressionsCommand } from './suppressions.ts';
import { workerCommand } from './worker.ts';

/**
 * Every CLI command, one file each. A command is either a citty definition or a factory
 * taking the IO to print to (so tests can capture output in-process).
 */
export type CommandEntry = CommandDef<ArgsDef> | ((io: CliIO) => CommandDef<ArgsDef>);

export const registry: Record<string, CommandEntry> = {
  broadcast: broadcastCommand as CommandEntry,
  build: buildCommand as CommandEntry,
  check: checkCommand as CommandEntry,
  dev: devCommand as CommandEntry,
  embed: embedCommand as CommandEntry,
  enroll: enrollCommand as CommandEntry,
  new: newCommand as CommandEntry,
  'send-test': sendTestCommand as CommandEntry,
  serve: serveCommand as CommandEntry,
  simulate: simulateCommand as CommandEntry,
  status: statusCommand as CommandEntry,
  subscribers: subscribersCommand as CommandEntry,
  suppressions: suppressionsCommand as CommandEntry,
  worker: workerCommand as CommandEntry,
};
