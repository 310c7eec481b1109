import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { messageProblems, renderChecked, type BuiltMessage, type Project } from '../../build/index.ts';
import { parseMessageFile, readContentFile, resolveCta, type ParsedMessageFile } from '../../content/index.ts';
import { CoursemailError, type Problem } from '../../shared/index.ts';
import type { SeriesView } from './state.ts';

export interface BroadcastView {
  /** File name without `.md`: the URL segment. */
  name: string;
  file: string;
  parsed?: ParsedMessageFile;
  built?: BuiltMessage;
  problems: Problem[];
}

/**
 * Drafts in `broadcasts/*.md`, rendered like a lesson: the engine, title and sender of the
 * series they target (when they name one and it built), otherwise the project defaults.
 */
export async function buildBroadcasts(project: Project, series: Map<string, SeriesView>): Promise<Map<string, BroadcastView>> {
  const dir = join(project.root, 'broadcasts');
  const out = new Map<string, BroadcastView>();
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir).filter((f) => f.endsWith('.md')).sort()) {
    const name = entry.slice(0, -3);
    const file = `broadcasts/${entry}`;
    const read = readContentFile(join(dir, entry), file);
    if ('problem' in read) {
      out.set(name, { name, file, problems: [read.problem] });
      continue;
    }
    const { message: parsed, problems } = parseMessageFile(read.text, file, 'broadcast');
    if (!parsed) {
      out.set(name, { name, file, problems });
      continue;
    }
    const course = parsed.series ? series.get(parsed.series)?.built?.course : undefined;
    if (parsed.series && !series.has(parsed.series)) problems.push({ code: 'broadcast.series', file, field: 'series', message: `no series "${parsed.series}" under series/` });
    try {
      const built = await renderChecked(project, {
        kind: 'broadcast',
        engine: course?.engine ?? 'react',
        subject: parsed.subject,
        preheader: parsed.preheader,
        body: parsed.body,
        cta: resolveCta(parsed.cta, project.resolveLink),
        seriesTitle: course?.title,
        sender: course?.sender,
      }, { file, bodyLine: parsed.bodyLine });
      problems.push(...messageProblems(built, file));
      out.set(name, { name, file, parsed, built: problems.length ? undefined : built, problems });
    } catch (err) {
      const message = err instanceof CoursemailError ? err.message : `rendering failed: ${(err as Error).message}`;
      out.set(name, { name, file, parsed, problems: [...problems, { code: 'render', file, message }] });
    }
  }
  return out;
}
