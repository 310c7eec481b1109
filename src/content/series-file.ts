import type { SendWindow, Weekday } from '../course/types.ts';
import type { Problem } from '../shared/index.ts';
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
const KEYS = new Set(['title', 'description', 'engine', 'timezone', 'sendWindow', 'sender', 'links']);
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

export function isValidTimezone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Validates `series.yaml`; returns the metadata with defaults filled, or the problems. */
export function validateSeriesFile(entries: YamlEntry[], file: string): { meta?: SeriesMeta; problems: Problem[] } {
  const problems: Problem[] = [];
  const at = (e: YamlEntry, message: string): Problem => ({ code: 'series', file, line: e.line, field: e.key, message });
  const get = (k: string) => entries.find((e) => e.key === k);
  for (const e of entries) if (!KEYS.has(e.key)) problems.push(at(e, `unknown key "${e.key}" (allowed: ${[...KEYS].join(', ')})`));

  const title = get('title');
  if (!title || typeof title.value !== 'string' || !title.value.trim()) {
    problems.push({ code: 'series', file, line: title?.line ?? 1, field: 'title', message: 'title is required' });
  }
  const description = get('description');
  if (description && typeof description.value !== 'string') problems.push(at(description, 'description must be text'));

  const engine = get('engine');
  if (engine && engine.value !== 'react' && engine.value !== 'mjml') problems.push(at(engine, 'engine must be "react" or "mjml"'));

  const timezone = get('timezone');
  if (timezone && (typeof timezone.value !== 'string' || !isValidTimezone(timezone.value))) {
    problems.push(at(timezone, `timezone "${String(timezone.value)}" is not an IANA time zone (e.g. America/New_York)`));
  }

  let sendWindow: SendWindow = { start: '08:00', end: '11:00', days: [...WEEKDAYS] };
  const win = get('sendWindow');
  if (win) {
    const v = win.value as Record<string, unknown> | null;
    if (!v || typeof v !== 'object' || Array.isArray(v)) problems.push(at(win, 'sendWindow must be { start, end, days }'));
    else {
      const extra = Object.keys(v).filter((k) => !['start', 'end', 'days'].includes(k));
      if (extra.length) problems.push(at(win, `sendWindow: unknown key(s) ${extra.join(', ')}`));
      const start = v.start ?? sendWindow.start;
      const end = v.end ?? sendWindow.end;
      const days = v.days ?? sendWindow.days;
      if (typeof start !== 'string' || !TIME.test(start)) problems.push(at(win, `sendWindow.start "${String(start)}" must be HH:MM`));
      if (typeof end !== 'string' || !TIME.test(end)) problems.push(at(win, `sendWindow.end "${String(end)}" must be HH:MM`));
      if (typeof start === 'string' && typeof end === 'string' && start >= end) problems.push(at(win, 'sendWindow.start must be before end'));
      const dayList = Array.isArray(days) ? days : [];
      const badDays = dayList.filter((d) => !WEEKDAYS.includes(d as Weekday));
      if (!Array.isArray(days) || dayList.length === 0 || badDays.length) {
        problems.push(at(win, `sendWindow.days must list weekdays from ${WEEKDAYS.join(', ')}`));
      }
      sendWindow = { start: String(start), end: String(end), days: dayList as Weekday[] };
    }
  }

  const sender = get('sender');
  let senderValue: SeriesMeta['sender'];
  if (sender) {
    const v = sender.value as Record<string, unknown> | null;
    if (!v || typeof v !== 'object' || Object.keys(v).some((k) => k !== 'name' && k !== 'email')) {
      problems.push(at(sender, 'sender must be { name, email }'));
    } else senderValue = { name: v.name as string | undefined, email: v.email as string | undefined };
  }

  if (problems.length) return { problems };
  return {
    problems,
    meta: {
      title: String(title!.value).trim(),
      description: typeof description?.value === 'string' ? description.value.trim() : '',
      engine: (engine?.value as 'react' | 'mjml' | undefined) ?? 'react',
      timezone: (timezone?.value as string | undefined) ?? 'America/New_York',
      sendWindow,
      sender: senderValue,
    },
  };
}
