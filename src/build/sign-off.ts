import type { Config } from '../config/index.ts';

/** The config's words, not Markdown: `*`, `_` or `[` in a name must show as typed. */
const escapeMarkdown = (s: string) => s.replace(/[\\`*_[\]#|~!]/g, '\\$&');

/**
 * The coach's sign-off under a lesson or broadcast body, from config: one line naming who
 * wrote it. Without a `coach` in config the body is left as the author wrote it.
 */
export function withSignOff(body: string, coach: Config['coach']): string {
  if (!coach) return body;
  const who = [coach.name, coach.credentials]
    .filter(Boolean)
    .map((s) => escapeMarkdown(s as string))
    .join(', ');
  return `${body.replace(/\s+$/, '')}\n\n— ${who}\n`;
}
