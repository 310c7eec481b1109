import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Project } from '../build/index.ts';
import { CoursemailError } from '../shared/index.ts';
import type { BroadcastDraftFields } from '../store/index.ts';
import { renderBroadcast, type BroadcastDraft, type BroadcastSource } from './draft.ts';
import { BROADCASTS_DIR } from '../content/index.ts';
import { contentHash } from './file.ts';

/** A console draft's slug: a file name in broadcasts/ and a URL segment, nothing that could be a path. */
const DRAFT_SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;

export function slugProblem(slug: string): string | undefined {
  return DRAFT_SLUG.test(slug)
    ? undefined
    : `"${slug}" is not a usable name: use 1–64 lower-case letters, digits and hyphens, starting with a letter or digit (e.g. spring-update).`;
}

/**
 * The `broadcasts/<slug>.md` text a console draft stands for: its fields as YAML frontmatter (quoted by the library, so nothing typed can add a key),
 * then the body. A draft and its exported file are the same bytes, hence the same broadcast.
 */
export function draftFileText(d: BroadcastDraftFields): string {
  const front: Record<string, unknown> = { subject: d.subject, preheader: d.preheader };
  if (d.seriesId) front.series = d.seriesId;
  if (d.sendAt) front.sendAt = d.sendAt;
  if (d.ctaText || d.ctaHref) front.cta = { text: d.ctaText ?? '', href: d.ctaHref ?? '' };
  const body = d.body.replace(/\r\n?/g, '\n');
  return `---\n${stringify(front, { lineWidth: 0 })}---\n\n${body.endsWith('\n') ? body : `${body}\n`}`;
}

export function storedDraftSource(d: BroadcastDraftFields): BroadcastSource {
  const text = draftFileText(d);
  return { slug: d.slug, file: `draft “${d.slug}”`, text, hash: contentHash(text) };
}

/** A console draft through the same parse, render and guard as a broadcast file. */
export const renderStoredDraft = (project: Project, d: BroadcastDraftFields): Promise<BroadcastDraft> => renderBroadcast(project, storedDraftSource(d));

export type ExportResult = { written: string } | { exists: string; same: boolean };

/**
 * Writes the draft to `broadcasts/<slug>.md`, the file the CLI reads. An existing file is
 * left alone unless `overwrite` (the caller asked the coach); it is replaced whole, by a
 * rename, so a worker never reads half of it.
 */
export function exportDraft(root: string, d: BroadcastDraftFields, opts: { overwrite: boolean }): ExportResult {
  const problem = slugProblem(d.slug);
  if (problem) throw new CoursemailError('broadcast.slug', problem);
  const file = `${BROADCASTS_DIR}/${d.slug}.md`;
  const path = join(root, file);
  const text = draftFileText(d);
  mkdirSync(join(root, BROADCASTS_DIR), { recursive: true });
  if (!opts.overwrite) {
    try {
      // 'wx': created only if absent, checked by the file system itself (no check-then-write race).
      writeFileSync(path, text, { flag: 'wx' });
      return { written: file };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      return { exists: file, same: contentHash(readFileSync(path)) === contentHash(text) };
    }
  }
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
  return { written: file };
}
