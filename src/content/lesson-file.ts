import { z } from 'zod';
import { parseDelay, type CallToAction, type Delay, type MessageKind } from '../course/index.ts';
import { checkPlaceholders } from '../personalize/model.ts';
import type { Problem } from '../shared/index.ts';
import { validateEntries } from './validate-entries.ts';
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

const MUST_BE_CTA = 'cta must be { text, href } (href: an https URL or link:NAME)';

/** One line of text (subject or preheader): required, short, placeholders from the data model only. */
function line(field: 'subject' | 'preheader', max: number, kind: MessageKind) {
  return z
    .string({ error: (i) => (i.input === undefined ? `${field} is required` : `${field} must be non-empty text`) })
    .trim()
    .min(1, `${field} must be non-empty text`)
    .refine((v) => !/[\r\n]/.test(v), `${field} must be one line`)
    .refine((v) => v.length <= max, { error: (i) => `${field} is ${String(i.input).length} characters; keep it under ${max}` })
    .superRefine((v, ctx) => {
      for (const p of checkPlaceholders(v, kind)) ctx.addIssue({ code: 'custom', message: p.message });
    });
}

const cta = z.strictObject(
  {
    text: z.string({ error: MUST_BE_CTA }).transform((t) => t.trim()),
    href: z
      .string({ error: MUST_BE_CTA })
      .regex(/^(https:\/\/|link:[a-z0-9-]+$)/i, { error: (i) => `cta.href "${String(i.input)}" must be an https URL or link:NAME` }),
  },
  { error: MUST_BE_CTA },
);

const delay = z.unknown().transform((v, ctx): Delay => {
  const parsed = v === undefined ? { error: 'delay is required (e.g. 0d for the first lesson, 2d, "3d 9h")' } : parseDelay(v);
  if ('error' in parsed) ctx.addIssue({ code: 'custom', message: parsed.error });
  return parsed as Delay;
});

const sendAt = z.unknown().transform((v, ctx): Date => {
  const d = v instanceof Date ? v : new Date(String(v));
  if (Number.isNaN(d.getTime()) || !/(Z|[+-]\d\d:?\d\d)$/.test(String(v instanceof Date ? 'Z' : v))) {
    ctx.addIssue({ code: 'custom', message: 'sendAt must be an ISO date-time with a zone, e.g. 2026-12-01T09:00:00-05:00' });
  }
  return d;
});

/** Frontmatter per kind of file: lessons have a delay, broadcasts a recipients filter and time. */
const FRONTMATTER = {
  lesson: z.strictObject({ subject: line('subject', 78, 'lesson'), preheader: line('preheader', 150, 'lesson'), delay, cta: cta.optional() }),
  broadcast: z.strictObject({
    subject: line('subject', 78, 'broadcast'),
    preheader: line('preheader', 150, 'broadcast'),
    cta: cta.optional(),
    series: z
      .string({ error: 'series must be a series id' })
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'series must be a series id')
      .optional(),
    sendAt: sendAt.optional(),
  }),
};

/**
 * Parses one Markdown message file (lesson or broadcast) and returns every problem at once:
 * YAML syntax, unknown or missing keys, bad delays, and placeholders outside the data model.
 */
export function parseMessageFile(text: string, file: string, kind: 'lesson' | 'broadcast'): { message?: ParsedMessageFile; problems: Problem[] } {
  if (text.replace(/^\uFEFF/, '').trim() === '') {
    return {
      problems: [
        { code: 'frontmatter.missing', file, line: 1, message: 'the file is empty: it needs a --- frontmatter block (subject, preheader…) and a body' },
      ],
    };
  }
  const split = splitFrontmatter(text);
  if (!split) {
    return {
      problems: [{ code: 'frontmatter.missing', file, line: 1, message: 'file must start with a --- frontmatter block (subject, preheader…) closed by ---' }],
    };
  }
  const block = parseYamlBlock(split.yaml, file, split.yamlLine);
  if (block.problems.length) return { problems: block.problems };
  const at = (line: number, field: string, message: string): Problem => ({ code: `frontmatter.${field}`, file, line, field, message });
  const { value, problems } = validateEntries(FRONTMATTER[kind], block.entries, at, split.yamlLine);

  for (const p of checkPlaceholders(split.body, kind)) {
    problems.push({ code: 'placeholder', file, line: split.bodyLine + p.line - 1, message: p.message });
  }
  if (!split.body.trim()) problems.push({ code: 'body.empty', file, line: split.bodyLine, message: 'the message has no body' });

  if (problems.length || !value) return { problems };
  return { problems, message: { ...value, body: split.body, bodyLine: split.bodyLine } };
}

export function resolveCta(cta: ParsedMessageFile['cta'], resolveLink: (name: string) => string | undefined): CallToAction | undefined {
  if (!cta) return undefined;
  if (!cta.href.startsWith('link:')) return { text: cta.text, href: cta.href };
  const link = cta.href.slice(5);
  return { text: cta.text, href: resolveLink(link), link };
}
