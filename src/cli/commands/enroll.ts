import { defineCommand } from 'citty';
import { CoursemailError } from '../../shared/index.ts';
import type { CliIO } from '../output.ts';
import { emailArg, rootArg } from './args.ts';
import { pickSeries, withRuntime } from './subscribers.ts';

/** `enroll EMAIL --series ID`: an active subscriber starts a series; lesson 1 is due at once. */
export const enrollCommand = (io: CliIO) =>
  defineCommand({
    meta: { name: 'enroll', description: 'enroll an active subscriber in a series (lesson 1 goes with the next worker run)' },
    args: {
      ...rootArg,
      email: { type: 'positional', description: 'email address', required: true },
      series: { type: 'string', description: 'series id', required: true },
    },
    run: ({ args }) =>
      withRuntime(args.root, async (rt) => {
        const seriesId = pickSeries(rt, args.series, true)!;
        const email = emailArg(args.email);
        const s = await rt.store.subscribers.findByEmail(email);
        if (!s) throw new CoursemailError('subscribers.none', `No subscriber with the address ${email}. Add one with \`coursemail subscribers add\`.`);
        if (s.status !== 'active') {
          throw new CoursemailError(
            'enroll.status',
            s.status === 'pending'
              ? `${s.email} has not confirmed yet: they are enrolled when they click the confirmation link.`
              : `${s.email} is ${s.status}: nothing can be sent to them.`,
          );
        }
        const { enrollment, created } = await rt.store.enrollments.enroll(s.id, seriesId, new Date());
        io.out(
          created
            ? `${s.email}: enrolled in ${seriesId}; lesson 1 goes with the next worker run.`
            : `${s.email}: already enrolled in ${seriesId} (${enrollment.status}${enrollment.pausedAt ? ', paused' : ''}).`,
        );
        return 0;
      }),
  });
