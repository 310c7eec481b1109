import { buildSeries, lessonSource, messageProblems, renderChecked, type BuiltSeries, type BuiltStep, type Project } from '../../build/index.ts';
import { sourcesHash } from '../../build/sources.ts';
import { loadSeries } from '../../content/index.ts';
import type { Step } from '../../course/types.ts';
import type { Problem } from '../../shared/index.ts';

/** Everything of a step that reaches the renderer; its delay and offset do not. */
function sameSource(a: Step, b: Step): boolean {
  return a.step === b.step && a.subject === b.subject && a.preheader === b.preheader && a.body === b.body && JSON.stringify(a.cta) === JSON.stringify(b.cta);
}

/**
 * Rebuilds a series after a save, re-rendering only the lessons whose source changed, since a save touches one file.
 * Anything that reaches every message (title, sender, engine, number of lessons), or any surprise, falls back to the full `buildSeries`.
 */
export async function rebuildSeries(project: Project, id: string, prev: BuiltSeries | undefined): Promise<{ built?: BuiltSeries; problems: Problem[] }> {
  if (!prev) return buildSeries(project, id);
  const sources = sourcesHash(project.root, id);
  const { course, problems } = loadSeries(project.root, id, project.resolveLink);
  if (!course) return { problems };
  const shared =
    course.engine === prev.engine &&
    course.title === prev.course.title &&
    JSON.stringify(course.sender) === JSON.stringify(prev.course.sender) &&
    course.steps.length === prev.steps.length;
  if (!shared) return buildSeries(project, id);
  try {
    const steps: BuiltStep[] = [];
    for (const [i, step] of course.steps.entries()) {
      const old = prev.steps[i]!;
      if (sameSource(old.step, step)) {
        steps.push({ ...old, step });
        continue;
      }
      const built = await renderChecked(project, lessonSource(course, step), step);
      problems.push(...messageProblems(built, step.file));
      steps.push({ ...built, step });
    }
    if (problems.length) return { problems };
    return { problems, built: { course, sources, engine: course.engine, steps, confirm: prev.confirm } };
  } catch {
    return buildSeries(project, id);
  }
}
