import { z } from 'zod';
import type { SendWindow, Weekday } from '../course/types.ts';
import { isValidZone } from '../schedule/index.ts';
import type { Problem } from '../shared/index.ts';
import { validateEntries } from './validate-entries.ts';
import type { YamlEntry } from './yaml-block.ts';

export interface SeriesMeta {
  title: string;
  description: string;
  engine: 'react' | 'mjml';
  timezone: string;
  sendWindow: SendWindow;
  sender?: { name?: string; email?: string };
}

const WEEKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

const hhmm = (name: 'start' | 'end', fallback: string) => {
  const error = (i: { input: unknown }) => `sendWindow.${name} "${String(i.input)}" must be HH:MM`;
  return z.string({ error }).regex(TIME, { error }).default(fallback);
};
const MUST_LIST_DAYS = `sendWindow.days must list weekdays from ${WEEKDAYS.join(', ')}`;
const MUST_BE_SENDER = 'sender must be { name, email }';

const SERIES = z.strictObject({
  title: z.string({ error: 'title is required' }).trim().min(1, 'title is required'),
  description: z.string({ error: 'description must be text' }).trim().default(''),
  engine: z.enum(['react', 'mjml'], { error: 'engine must be "react" or "mjml"' }).default('react'),
  timezone: z
    .string({ error: (i) => `timezone "${String(i.input)}" is not an IANA time zone (e.g. America/New_York)` })
    .refine(isValidZone, { error: (i) => `timezone "${String(i.input)}" is not an IANA time zone (e.g. America/New_York)` })
    .default('America/New_York'),
  sendWindow: z
    .strictObject(
      {
        start: hhmm('start', '08:00'),
        end: hhmm('end', '11:00'),
        days: z
          .array(z.enum(WEEKDAYS, { error: MUST_LIST_DAYS }), { error: MUST_LIST_DAYS })
          .min(1, MUST_LIST_DAYS)
          .default([...WEEKDAYS]),
      },
      { error: (i) => (i.code === 'unrecognized_keys' ? `sendWindow: unknown key(s) ${i.keys.join(', ')}` : 'sendWindow must be { start, end, days }') },
    )
    // Said beside a problem with the days too, so one run names both.
    .refine((w) => w.start < w.end, { error: 'sendWindow.start must be before end', when: (p) => p.issues.every((i) => i.path?.[0] === 'days') })
    .default({ start: '08:00', end: '11:00', days: [...WEEKDAYS] }),
  sender: z
    .strictObject({ name: z.string({ error: MUST_BE_SENDER }).optional(), email: z.string({ error: MUST_BE_SENDER }).optional() }, { error: MUST_BE_SENDER })
    .optional(),
  // Allowed as it always was, though nothing reads it (links live in the config).
  links: z.unknown().optional(),
});

/** Validates `series.yaml`; returns the metadata with defaults filled, or the problems. */
export function validateSeriesFile(entries: YamlEntry[], file: string): { meta?: SeriesMeta; problems: Problem[] } {
  const { value, problems } = validateEntries(SERIES, entries, (line, field, message) => ({ code: 'series', file, line, field, message }), 1);
  if (!value) return { problems };
  const { links: _links, ...meta } = value;
  return { problems, meta };
}
