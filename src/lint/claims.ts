import type { Config } from '../config/index.ts';
import { sentenceSpans } from '../draft/sentences.ts';

/**
 * The claims lint: absolute or clinical claims in lessons and broadcasts, which physicians
 * (readers who check) take at their word. Advice, never a refusal. Offline, over the source.
 */
export interface ClaimRule {
  /** What config's `lint.claims.remove` names, and what a finding shows. */
  id: string;
  pattern: RegExp;
  reason: string;
  /** Flagged only in a sentence about coaching (therapy may treat; coaching does not). */
  aboutCoaching?: boolean;
  /** Not flagged a few words after a negation in the same clause: "coaching is not treatment". */
  negatable?: boolean;
}

const RECORDS = 'false as written: coaching creates ordinary records (a booking, an invoice, a coach’s notes); say "no medical record"';

export const CLAIM_RULES: readonly ClaimRule[] = [
  {
    id: 'proven',
    pattern: /\bproven\b/gi,
    reason: 'an absolute claim: the trials were small or pilot trials with volunteers; say what they found',
    negatable: true,
  },
  { id: 'guarantee', pattern: /\bguarantee[sd]?\b/gi, reason: 'no outcome of coaching can be guaranteed', negatable: true },
  { id: 'cure', pattern: /\bcure[sd]?\b/gi, reason: 'a clinical claim: coaching cures nothing, it is not clinical care', negatable: true },
  { id: 'treat', pattern: /\btreat(?:s|ed|ing|ments?)?\b/gi, reason: 'a clinical claim: coaching is not treatment', aboutCoaching: true, negatable: true },
  { id: 'diagnose', pattern: /\bdiagnos(?:e|es|ed|ing)\b/gi, reason: 'a clinical claim: diagnosis is for clinicians, not coaching', negatable: true },
  { id: 'no record', pattern: /\bno records?\b/gi, reason: RECORDS },
  { id: 'records-free', pattern: /\brecords?[- ]free\b/gi, reason: RECORDS },
  {
    id: 'nothing to disclose',
    pattern: /\bnothing to disclose\b/gi,
    reason: 'a legal assurance: what must be disclosed depends on the exact question on each form',
  },
  { id: '100%', pattern: /\b100\s?(?:%|per ?cent\b)/gi, reason: 'an absolute claim: results vary by person and programme' },
  { id: 'always/never works', pattern: /\b(?:always|never) works?\b/gi, reason: 'an absolute claim: results vary by person and programme' },
];

const NEGATION = /\b(?:not|no|never|nor|neither|without|cannot)\b|n[’']t\b/i;
/** "not licensed clinical treatment" is negated; "This is not a soft claim: it is proven" is not. */
const negated = (before: string) => NEGATION.test((before.split(/[,;:—–()]/).pop() ?? '').split(/\s+/).filter(Boolean).slice(-5).join(' '));
const COACHING = /\bcoach/i;
const MARKER = /<!--\s*claim-ok:([\s\S]*?)-->/g;

export interface ClaimFinding {
  file: string;
  line: number;
  rule: string;
  /** The words that matched, as written. */
  phrase: string;
  reason: string;
  /** Set when the sentence carries `<!-- claim-ok: why -->`: the author's why. */
  accepted?: string;
}

export interface ClaimRules {
  rules: ClaimRule[];
  /** Names in `lint.claims.remove` that match no rule. */
  problems: string[];
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A phrase from config as a pattern: case-insensitive, any run of spaces, whole words at its ends. */
function phrasePattern(phrase: string): RegExp {
  const body = phrase.trim().split(/\s+/).map(escapeRegExp).join('\\s+');
  return new RegExp(`${/^\w/.test(phrase.trim()) ? '\\b' : ''}${body}${/\w$/.test(phrase.trim()) ? '\\b' : ''}`, 'gi');
}

/** The default rules, plus config's `lint.claims.add`, minus its `remove`. */
export function claimRules(settings: Config['lint']['claims'] = { add: [], remove: [] }): ClaimRules {
  const added: ClaimRule[] = settings.add.map((entry) => {
    const { phrase, reason } = typeof entry === 'string' ? { phrase: entry, reason: 'a phrase this project flags (lint.claims.add)' } : entry;
    return { id: phrase, pattern: phrasePattern(phrase), reason };
  });
  const all = [...CLAIM_RULES, ...added];
  const remove = new Set(settings.remove.map((r) => r.toLowerCase()));
  const known = new Set(all.map((r) => r.id.toLowerCase()));
  const problems = [...remove]
    .filter((r) => !known.has(r))
    .map((r) => `lint.claims.remove: "${r}" is not a claims rule (rules: ${all.map((x) => `"${x.id}"`).join(', ')})`);
  return { rules: all.filter((r) => !remove.has(r.id.toLowerCase())), problems };
}

/** A line as the reader reads it: link targets, placeholders and comments blanked (offsets kept). */
function readable(line: string): string {
  const blank = (s: string) => ' '.repeat(s.length);
  return line
    .replace(/<!--[\s\S]*?-->/g, blank)
    .replace(/\]\([^)]*\)/g, (m) => `]${blank(m.slice(1))}`)
    .replace(/<https?:[^>]*>/gi, blank)
    .replace(/\{\{[\s\S]*?\}\}/g, blank);
}

/** Frontmatter keys whose values are addresses, dates or settings, not words a reader sees. */
const SETTING = /^\s*(?:href|delay|sendAt|series|engine|timezone):/;

/**
 * Every claim in one lesson or broadcast file, 1-based line by line. A sentence with an
 * inline `<!-- claim-ok: why -->` (in it, or just after its full stop) is still listed,
 * marked accepted with the why, so the preview can show it.
 */
export function lintClaims(source: string, file: string, rules: readonly ClaimRule[]): ClaimFinding[] {
  const findings: ClaimFinding[] = [];
  source.split('\n').forEach((raw, index) => {
    if (SETTING.test(raw)) return;
    const text = readable(raw);
    const spans = sentenceSpans(text);
    const markers = [...raw.matchAll(MARKER)].map((m) => ({ at: m.index, why: (m[1] as string).trim() })).filter((m) => m.why);
    const sentenceAt = (offset: number) => spans.findLastIndex(([start]) => start <= offset);
    for (const rule of rules) {
      for (const m of text.matchAll(rule.pattern)) {
        const s = sentenceAt(m.index);
        const [start, end] = spans[s] ?? [0, text.length];
        const sentence = text.slice(start, end);
        if (rule.aboutCoaching && !COACHING.test(sentence)) continue;
        if (rule.negatable && negated(text.slice(start, m.index))) continue;
        const marker = markers.find((k) => sentenceAt(k.at) === s);
        findings.push({ file, line: index + 1, rule: rule.id, phrase: m[0], reason: rule.reason, ...(marker ? { accepted: marker.why } : {}) });
      }
    }
  });
  return findings.sort((a, b) => a.line - b.line);
}

/** The markers are notes for the author and the preview: no reader's copy carries them. */
export const stripClaimMarkers = (source: string) => source.replace(/[ \t]*<!--\s*claim-ok:[\s\S]*?-->/g, '');

export function formatClaim(f: ClaimFinding): string {
  return `${f.file}:${f.line}: “${f.phrase}” — ${f.reason}${f.accepted ? ` (marked claim-ok: ${f.accepted})` : ''}`;
}
