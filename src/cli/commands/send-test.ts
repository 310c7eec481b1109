import { resolve } from 'node:path';
import { defineCommand } from 'citty';
import { buildSeries, loadProject } from '../../build/index.ts';
import { configuredTransport } from '../../deliver/index.ts';
import { isSampleId, sendTest, SAMPLE_SUBSCRIBERS } from '../../send/test-send.ts';
import { CoursemailError } from '../../shared/index.ts';
import { printProblems, type CliIO } from '../output.ts';
import { rootArg } from './args.ts';

export const sendTestCommand = (io: CliIO) =>
  defineCommand({
    meta: { name: 'send-test', description: 'send one lesson (or the confirmation) to the test address, marked [TEST]' },
    args: {
      ...rootArg,
      series: { type: 'string', description: 'series id', required: true },
      step: { type: 'string', description: 'lesson number, or "confirm" for the confirmation email', required: true },
      to: { type: 'string', description: 'recipient (default: testAddress in the config)' },
      sample: { type: 'string', description: `sample reader to fill in: ${Object.keys(SAMPLE_SUBSCRIBERS).join(' | ')}`, default: 'named' },
    },
    run: async ({ args }) => {
      if (!isSampleId(args.sample)) throw new CoursemailError('args', `--sample must be one of ${Object.keys(SAMPLE_SUBSCRIBERS).join(', ')}`);
      const root = resolve(args.root);
      const project = await loadProject(root);
      const { built, problems } = await buildSeries(project, args.series);
      if (!built) {
        printProblems(io, problems, `Not sent: series "${args.series}" does not build`);
        return 1;
      }
      const message = args.step === 'confirm' ? built.confirm.message : built.steps.find((s) => String(s.step.step) === args.step)?.message;
      if (!message) throw new CoursemailError('args', `--step must be 1–${built.steps.length} or "confirm", not "${args.step}"`);
      const transport = configuredTransport(project.config, root);
      try {
        const { outcome, sent } = await sendTest({
          message,
          config: project.config,
          transport,
          now: new Date(),
          to: args.to,
          sample: args.sample,
          tags: { series: args.series, step: args.step },
        });
        io.out(`Sent “${sent.subject}” to ${sent.to} via ${transport.name}: ${outcome.providerId}`);
      } finally {
        await transport.close();
      }
      return 0;
    },
  });
