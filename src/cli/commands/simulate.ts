import { defineCommand } from 'citty';
import { resolve } from 'node:path';
import { linkResolver, loadConfig } from '../../config/index.ts';
import { loadSeries } from '../../content/index.ts';
import { simulate } from '../../schedule/index.ts';
import { CoursemailError } from '../../shared/index.ts';
import { printProblems, type CliIO } from '../output.ts';
import { rootArg } from './args.ts';

/** `simulate`: when would a subscriber enrolling now (or at --now) get each lesson, in their zone. */
export const simulateCommand = (io: CliIO) =>
  defineCommand({
    meta: { name: 'simulate', description: 'timeline of what one subscriber would get, and when' },
    args: {
      ...rootArg,
      series: { type: 'string', description: 'series id', required: true },
      days: { type: 'string', description: 'only lessons within this many days', default: '365' },
      tz: { type: 'string', description: "subscriber's IANA time zone (default: the series zone)" },
      now: { type: 'string', description: 'enrolment time, ISO 8601 (default: now)' },
    },
    run: async ({ args }) => {
      const root = resolve(args.root);
      const config = loadConfig(root);
      const { course, problems } = loadSeries(root, args.series, linkResolver(config));
      if (!course) {
        printProblems(io, problems, `Series "${args.series}" has problems`);
        return 1;
      }
      const enrolledAt = args.now ? new Date(args.now) : new Date();
      if (Number.isNaN(enrolledAt.getTime())) throw new CoursemailError('args', `--now "${args.now}" is not an ISO date-time`);
      const days = Number(args.days);
      if (!Number.isFinite(days) || days < 0) throw new CoursemailError('args', '--days must be a number of days');
      const limit = enrolledAt.getTime() + days * 86_400_000;
      const timeline = simulate({ course, timezone: args.tz ?? null, enrolledAt }).filter((t) => t.dueAt.getTime() <= limit);
      io.out(`${course.title}: enrolling ${enrolledAt.toISOString()}${args.tz ? ` in ${args.tz}` : ''}`);
      for (const t of timeline) {
        const day = ((t.dueAt.getTime() - enrolledAt.getTime()) / 86_400_000).toFixed(1);
        io.out(`  ${String(t.step).padStart(2)}. ${t.local}  (day ${day})  ${t.subject}`);
        for (const n of t.notes) io.out(`      note: ${n}`);
      }
      return 0;
    },
  });
