import { parseDelay, type CallToAction, type Delay } from '../course/index.ts';
import { checkPlaceholders } from '../personalize/model.ts';
import type { Problem } from '../shared/index.ts';
import { parseYamlBlock, splitFrontmatter } from './yaml-block.ts';

export interface ParsedMessageFile {
  subject: string;
  preheader: string;
  delay?: Delay;
  cta?: { text: string; href: string };
  series?: string;
  sendAt?: Date;
  body: string;
  bodyLine: number;
}

/** Frontmatter keys per kind of file: lessons have a delay, broadcasts a recipients filter and time. */
const KEYS: Record<'lesson' | 'broadcast', Set<string>> = {
  lesson: new Set(['subject', 'preheader', 'delay', 'cta']),
  broadcast: new Set(['subject', 'preheader', 'cta', 'series', 'sendAt']),
};

const LIMITS = { subject: 78, preheader: 150 };

/**
 * Parses one Markdown message file (lesson or broadcast) and returns every problem at once:
 * YAML syntax, unknown or missing keys, bad delays, and placeholders outside the data model.
 */
export function parseMessageFile(text: string, file: string, kind: 'lesson' | 'broadcast'): { message?: ParsedMessageFile; problems: Problem[] } {
  if (text.replace(/^\uFEFF/, '').trim() === '') {
    return { problems: [{ code: 'frontmatter.missing', file, line: 1, message: 'the file is empty: it needs a --- frontmatter block (subject, preheader…) and a body' }] };
  }
  const split = splitFrontmatter(text);
  if (!split) {
    return { problems: [{ code: 'frontmatter.missing', file, line: 1, message: 'file must start with a --- frontmatter block (subject, preheader…) closed by ---' }] };
  }
  const { entries, problems } = parseYamlBlock(split.yaml, file, split.yamlLine);
  if (problems.length) return { problems };
  const at = (line: number, field: string, message: string): Problem => ({ code: `frontmatter.${field}`, file, line, field, message });
  const get = (k: string) => entries.find((e) => e.key === k);
  for (const e of entries) {
    if (!KEYS[kind].has(e.key)) problems.push(at(e.line, e.key, `unknown key "${e.key}" (allowed: ${[...KEYS[kind]].join(', ')})`));
  }

  const text_ = (field: 'subject' | 'preheader') => {
    const e = get(field);
    if (!e) {
      problems.push(at(split.yamlLine, field, `${field} is required`));
      return '';
    }
    if (typeof e.value !== 'string' || !e.value.trim()) {
      problems.push(at(e.line, field, `${field} must be non-empty text`));
      return '';
    }
    const value = e.value.trim();
    if (/[\r\n]/.test(value)) problems.push(at(e.line, field, `${field} must be one line`));
    if (value.length > LIMITS[field]) problems.push(at(e.line, field, `${field} is ${value.length} characters; keep it under ${LIMITS[field]}`));
    for (const p of checkPlaceholders(value, kind)) problems.push(at(e.line, field, p.message));
    return value;
  };
  const subject = text_('subject');
  const preheader = text_('preheader');

  let delay: Delay | undefined;
  if (kind === 'lesson') {
    const e = get('delay');
    if (!e) problems.push(at(split.yamlLine, 'delay', 'delay is required (e.g. 0d for the first lesson, 2d, "3d 9h")'));
    else {
      const parsed = parseDelay(e.value);
      if ('error' in parsed) problems.push(at(e.line, 'delay', parsed.error));
      else delay = parsed;
    }
  }

  let cta: ParsedMessageFile['cta'];
  const ctaEntry = get('cta');
  if (ctaEntry) {
    const v = ctaEntry.value as Record<string, unknown> | null;
    if (!v || typeof v !== 'object' || typeof v.text !== 'string' || typeof v.href !== 'string' || Object.keys(v).some((k) => k !== 'text' && k !== 'href')) {
      problems.push(at(ctaEntry.line, 'cta', 'cta must be { text, href } (href: an https URL or link:NAME)'));
    } else if (!/^(https:\/\/|link:[a-z0-9-]+$)/i.test(v.href)) {
      problems.push(at(ctaEntry.line, 'cta', `cta.href "${v.href}" must be an https URL or link:NAME`));
    } else cta = { text: v.text.trim(), href: v.href };
  }

  let series: string | undefined;
  let sendAt: Date | undefined;
  if (kind === 'broadcast') {
    const s = get('series');
    if (s) {
      if (typeof s.value !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(s.value)) problems.push(at(s.line, 'series', 'series must be a series id'));
      else series = s.value;
    }
    const t = get('sendAt');
    if (t) {
      const d = t.value instanceof Date ? t.value : new Date(String(t.value));
      if (Number.isNaN(d.getTime()) || !/(Z|[+-]\d\d:?\d\d)$/.test(String(t.value instanceof Date ? 'Z' : t.value))) {
        problems.push(at(t.line, 'sendAt', 'sendAt must be an ISO date-time with a zone, e.g. 2026-12-01T09:00:00-05:00'));
      } else sendAt = d;
    }
  }

  for (const p of checkPlaceholders(split.body, kind)) {
    problems.push({ code: 'placeholder', file, line: split.bodyLine + p.line - 1, message: p.message });
  }
  if (!split.body.trim()) problems.push({ code: 'body.empty', file, line: split.bodyLine, message: 'the message has no body' });

  if (problems.length) return { problems };
  return { problems, message: { subject, preheader, delay, cta, series, sendAt, body: split.body, bodyLine: split.bodyLine } };
}

export function resolveCta(cta: ParsedMessageFile['cta'], resolveLink: (name: string) => string | undefined): CallToAction | undefined {
  if (!cta) return undefined;
  if (!cta.href.startsWith('link:')) return { text: cta.text, href: cta.href };
  const link = cta.href.slice(5);
  return { text: cta.text, href: resolveLink(link), link };
}

