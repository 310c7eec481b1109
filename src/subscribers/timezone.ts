import type { Problem } from '../shared/index.ts';

type Checked = { timezone: string | null } | { problem: Problem };

// Building an Intl.DateTimeFormat costs ~0.2 ms: an import of 100k rows checks the same
// few zones over and over. Bounded, so junk input cannot grow it without limit.
const known = new Map<string, Checked>();
const KNOWN_MAX = 2000;

/**
 * An IANA zone the runtime knows, in its canonical spelling (`america/chicago` →
 * `America/Chicago`). Empty means "unknown": the scheduler then uses the series' zone.
 */
export function validateTimezone(input: unknown): Checked {
  if (input === undefined || input === null) return { timezone: null };
  if (typeof input !== 'string') return { problem: { code: 'timezone.invalid', message: 'the time zone must be text', field: 'timezone' } };
  const value = input.trim();
  if (value === '') return { timezone: null };
  const cached = known.get(value);
  if (cached) return cached;
  const checked = check(value);
  if (known.size < KNOWN_MAX) known.set(value, checked);
  return checked;
}

function check(value: string): Checked {
  if (value.length > 64 || /[^A-Za-z0-9_+\-/]/.test(value)) {
    return { problem: { code: 'timezone.invalid', message: `"${value.slice(0, 64)}" is not a time zone`, field: 'timezone' } };
  }
  try {
    return { timezone: new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone };
  } catch {
    return {
      problem: { code: 'timezone.invalid', message: `"${value}" is not a known time zone (use an IANA name such as America/Chicago)`, field: 'timezone' },
    };
  }
}
