import { resolve } from 'node:path';
import { defineCommand } from 'citty';
import { runDoctor } from '../../doctor/index.ts';
import { webhookSecret } from '../../server/webhooks/verify.ts';
import type { CliIO } from '../output.ts';
import { rootArg } from './args.ts';

const MARK = { ok: '✓', fail: '✗', warn: '!' } as const;

/** `doctor`: one line per check, in order on stdout; exit 1 when any check fails (a warning does not). */
export const doctorCommand = (io: CliIO) =>
  defineCommand({
    meta: {
      name: 'doctor',
      description: 'check what a launch needs (config, secrets, Resend, DNS, database, Node); non-zero exit when something is not ready',
    },
    args: { ...rootArg },
    run: async ({ args }) => {
      const results = await runDoctor({ root: resolve(args.root), env: process.env, nodeVersion: process.version, validateWebhookSecret: webhookSecret });
      for (const r of results) io.out(`${MARK[r.status]} ${r.name}: ${r.message}`);
      const failed = results.filter((r) => r.status === 'fail').length;
      io.out(failed ? `\n${failed} check(s) failed: fix them and run \`coursemail doctor\` again.` : '\nReady to launch.');
      return failed ? 1 : 0;
    },
  });
