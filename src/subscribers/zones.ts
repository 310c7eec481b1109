import type { Problem } from '../shared/index.ts';
import { validateTimezone } from './timezone.ts';

export interface ZoneChoice {
  id: string;
  /** "Central Time — Chicago": the zone's everyday name and its city. */
  label: string;
}

/** Listed first when several zones share a name ("Central Time"): where most readers live. */
const COMMON = [
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Phoenix',
  'America/Los_Angeles',
  'America/Anchorage',
  'Pacific/Honolulu',
  'Europe/London',
  'Europe/Berlin',
  'Asia/Kolkata',
  'Australia/Sydney',
];

let choices: ZoneChoice[] | undefined;

/** Every IANA zone the runtime knows, with a friendly name from its own ICU data. */
export function zoneChoices(): ZoneChoice[] {
  if (!choices) {
    const ids = [...new Set([...COMMON, ...Intl.supportedValuesOf('timeZone')])];
    choices = ids.map((id) => {
      const name =
        new Intl.DateTimeFormat('en-US', { timeZone: id, timeZoneName: 'longGeneric' }).formatToParts(0).find((p) => p.type === 'timeZoneName')?.value ?? id;
      return { id, label: `${name} — ${id.split('/').at(-1)!.replace(/_/g, ' ')}` };
    });
  }
  return choices;
}

const words = (t: string) =>
  t
    .toLowerCase()
    .replace(/[^a-z0-9+]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const here = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = here;
    }
  }
  return row[b.length]!;
}

/**
 * The zones closest to what someone typed: every word found in the name or the id, else a
 * city spelled within two letters ("Chicgo"). Common zones first among equals.
 */
function suggestZones(input: string, n = 3): ZoneChoice[] {
  const typed = words(input);
  if (!typed.length) return [];
  const scored = zoneChoices().map((z, rank) => {
    const hay = words(`${z.label} ${z.id}`);
    const found = typed.filter((w) => hay.some((h) => h.startsWith(w))).length;
    const city = words(z.id.split('/').at(-1)!).join(' ');
    const near = distance(typed.join(' '), city) <= 2 ? 1 : 0;
    return { z, score: found === typed.length ? 10 + found : near ? 5 : 0, rank };
  });
  return scored
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || a.rank - b.rank)
    .slice(0, n)
    .map((s) => s.z);
}

/**
 * What a person typed or picked in the time-zone field: an IANA name, or a friendly label from
 * the list. A wrong value is a problem with the closest zones suggested.
 */
export function readTimezone(input: string | undefined): { timezone: string | null } | { problem: Problem; suggestions: ZoneChoice[] } {
  const value = (input ?? '').trim();
  const picked = zoneChoices().find((z) => z.label.toLowerCase() === value.toLowerCase());
  const checked = validateTimezone(picked ? picked.id : value);
  if (!('problem' in checked)) return checked;
  const suggestions = suggestZones(value);
  const hint = suggestions.length
    ? ` Did you mean ${suggestions.map((s) => `${s.label} (${s.id})`).join(', or ')}?`
    : ' Pick one from the list, or type a name such as America/Chicago.';
  return { problem: { ...checked.problem, message: `"${value.slice(0, 64)}" is not a time zone we know.${hint}` }, suggestions };
}
