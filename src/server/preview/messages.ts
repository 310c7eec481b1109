import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BuiltMessage } from '../../build/index.ts';
import { claimRules, lintClaims, type ClaimFinding } from '../../lint/index.ts';
import { firstLessonPromise } from '../../schedule/index.ts';
import type { Problem } from '../../shared/index.ts';
import { dayLabel, describeWindow } from './series-page.ts';
import type { PreviewBuilder } from './state.ts';

/** Which message a URL names: a lesson, a series' confirmation email, or a broadcast draft. */
export type MessageRef = { kind: 'lesson'; series: string; step: number } | { kind: 'confirm'; series: string } | { kind: 'broadcast'; name: string };

export interface ResolvedMessage {
  ref: MessageRef;
  /** The page's path; the iframe document is at `${path}/frame`. */
  path: string;
  /** Where it sits: "Lesson 3 of 5 · Day 4 · 08:00–11:00, every day". */
  context: string;
  seriesTitle?: string;
  /** Absent when the series or draft has problems: then the page lists them instead. */
  built?: BuiltMessage;
  problems: Problem[];
  /** Provider tags for a test send (`[A-Za-z0-9_-]` only). */
  tags: Record<string, string>;
  /** The Markdown file it was written in, relative to the project root. */
  source?: string;
}

export function seriesRef(series: string, step: string): MessageRef | undefined {
  if (step === 'confirm') return { kind: 'confirm', series };
  return /^\d{1,3}$/.test(step) ? { kind: 'lesson', series, step: Number(step) } : undefined;
}

const tag = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 256);

/** Undefined when nothing by that name exists (a 404); problems when it exists but does not build. */
export function resolveMessage(builder: PreviewBuilder, ref: MessageRef): ResolvedMessage | undefined {
  if (ref.kind === 'broadcast') {
    const b = builder.broadcasts.get(ref.name);
    if (!b) return undefined;
    const target = b.parsed?.series ? `to subscribers of ${b.parsed.series}` : 'to every subscriber';
    return {
      ref,
      path: `/broadcasts/${encodeURIComponent(ref.name)}`,
      context: `Broadcast ${b.file} · ${target}${b.parsed?.sendAt ? ` · sendAt ${b.parsed.sendAt.toISOString()} in the file` : ''}`,
      built: b.built,
      problems: b.problems,
      tags: { broadcast: tag(ref.name) },
      source: b.file,
    };
  }
  const view = builder.series.get(ref.series);
  if (!view) return undefined;
  const path = `/series/${encodeURIComponent(ref.series)}/${ref.kind === 'confirm' ? 'confirm' : ref.step}`;
  const base = { ref, path, problems: view.problems, tags: { series: tag(ref.series), step: ref.kind === 'confirm' ? 'confirm' : String(ref.step) } };
  if (!view.built) return { ...base, context: `series/${ref.series}` };
  const { course } = view.built;
  if (ref.kind === 'confirm') {
    return { ...base, seriesTitle: course.title, built: view.built.confirm, context: `Confirmation email · sent at sign-up, at once · ${course.title}` };
  }
  const step = view.built.steps.find((s) => s.step.step === ref.step);
  if (!step) return undefined;
  return {
    ...base,
    seriesTitle: course.title,
    built: step,
    source: step.step.file,
    context: `Lesson ${ref.step} of ${view.built.steps.length} · ${dayLabel(step.step.offsetMinutes)} · ${ref.step === 1 ? firstLessonPromise(course).when : describeWindow(course.sendWindow)} · ${step.step.file}`,
  };
}

/** The claims lint over the message's source file, as saved now (a file being renamed reads as none). */
export function claimsOf(builder: PreviewBuilder, msg: ResolvedMessage): ClaimFinding[] {
  if (!msg.source || !builder.project) return [];
  let text: string;
  try {
    text = readFileSync(join(builder.root, msg.source), 'utf8');
  } catch {
    return [];
  }
  return lintClaims(text, msg.source, claimRules(builder.project.config.lint.claims).rules);
}
