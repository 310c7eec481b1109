import { loadSeries } from '../content/index.ts';
import type { Course, Step } from '../course/types.ts';
import { checkPlaceholders } from '../personalize/index.ts';
import { firstLessonPromise } from '../schedule/index.ts';
import { complianceChecklist, type ComplianceCheck } from '../render/guard.ts';
import { bodyWarnings, linkField } from '../render/body-warnings.ts';
import { renderMessage, type Engine, type MessageSource, type RenderedMessage } from '../render/render-message.ts';
import { CoursemailError, type Problem } from '../shared/index.ts';
import type { Project } from './project.ts';
import { sourcesHash } from './sources.ts';
import { withSignOff } from './sign-off.ts';
import { stripClaimMarkers } from '../lint/index.ts';

export interface BuiltMessage {
  message: RenderedMessage;
  checks: ComplianceCheck[];
  /** What the author wrote that does not reach the reader as written (removed HTML, links with no URL). */
  warnings: Problem[];
}

export interface BuiltStep extends BuiltMessage {
  step: Step;
}

export interface BuiltSeries {
  course: Course;
  /** `sourcesHash` taken before the build read anything: output carrying it is that build's. */
  sources: string;
  engine: Engine;
  steps: BuiltStep[];
  confirm: BuiltMessage;
}

const TEMPLATE_UNSUBSCRIBE = '{{unsubscribeUrl}}';

/** Renders, then guards: failed checks and template placeholders outside the model become problems. */
export function messageProblems(built: BuiltMessage, file: string): Problem[] {
  const problems: Problem[] = built.checks.filter((c) => !c.ok).map((c) => ({ code: `compliance.${c.rule}`, file, message: `compliance: ${c.why}` }));
  for (const [part, source] of [
    ['HTML', built.message.html],
    ['text', built.message.text],
  ] as const) {
    for (const p of checkPlaceholders(source, built.message.kind)) {
      problems.push({ code: 'placeholder.template', file, message: `rendered ${part} (from the templates in emails/): ${p.message}` });
    }
  }
  return problems;
}

/** Where a message's body sits in its file, so warnings name file:line. */
export interface BodySource {
  file: string;
  bodyLine: number;
}

/** What every message of a course renders with. */
const courseSource = (course: Course, engine: Engine) => ({ engine, seriesTitle: course.title, sender: course.sender, stepCount: course.steps.length });

/** What one lesson renders from: its own words, and what its course gives every message. */
export function lessonSource(course: Course, step: Step, engine: Engine = course.engine): MessageSource {
  const { subject, preheader, body, cta } = step;
  return { ...courseSource(course, engine), kind: 'lesson', subject, preheader, body, cta, step: step.step };
}

export async function renderChecked(project: Project, src: MessageSource, where?: BodySource): Promise<BuiltMessage> {
  const body = src.body === undefined ? undefined : withSignOff(stripClaimMarkers(src.body), project.config.coach);
  const message = await renderMessage(
    { ...src, subject: stripClaimMarkers(src.subject).trim(), preheader: stripClaimMarkers(src.preheader).trim(), body },
    project,
  );
  const checks = complianceChecklist(message, {
    footer: { senderName: message.senderName, postalAddress: project.config.postalAddress },
    unsubscribeUrl: TEMPLATE_UNSUBSCRIBE,
  });
  const warnings = (src.body === undefined ? [] : bodyWarnings(src.body, project.resolveLink)).map(
    (w): Problem => ({ code: w.code, file: where?.file, line: where ? where.bodyLine + w.line - 1 : undefined, field: w.field, message: w.message }),
  );
  if (src.cta?.link && !src.cta.href) {
    const message = `the cta's link:${src.cta.link} has no URL, so no button is shown: set its URL in coursemail.config.json`;
    warnings.unshift({ code: 'link.missing', file: where?.file, field: linkField(src.cta.link), message });
  }
  return { message, checks, warnings };
}

/**
 * Compiles one series: every lesson and its confirmation email, each rendered once and
 * guarded. Returns all problems of all files; `built` only when there are none.
 */
export async function buildSeries(
  project: Project,
  id: string,
  opts: { engine?: Engine } = {},
): Promise<{ built?: BuiltSeries; problems: Problem[]; warnings?: Problem[] }> {
  const sources = sourcesHash(project.root, id);
  const { course, problems } = loadSeries(project.root, id, project.resolveLink);
  if (!course) return { problems };
  const engine = opts.engine ?? course.engine;
  const steps: BuiltStep[] = [];
  const warnings: Problem[] = [];
  try {
    for (const step of course.steps) {
      // One lesson that cannot be rendered (a Markdown nesting bomb overflows the parser's
      // stack) is named, and the other lessons are still rendered and checked.
      let built: BuiltMessage;
      try {
        built = await renderChecked(project, lessonSource(course, step, engine), step);
      } catch (err) {
        if (err instanceof CoursemailError) throw err;
        const reason =
          err instanceof RangeError
            ? 'the Markdown is nested too deeply (quotes, lists or HTML thousands of levels deep)'
            : (err as Error).message.split('\n')[0];
        problems.push({ code: 'render', file: step.file, message: `rendering failed: ${reason}` });
        continue;
      }
      problems.push(...messageProblems(built, step.file));
      warnings.push(...built.warnings);
      steps.push({ ...built, step });
    }
    const confirm = await renderChecked(project, {
      ...courseSource(course, engine),
      kind: 'confirm',
      subject: `Please confirm: ${course.title}`,
      firstLesson: firstLessonPromise(course).sentence,
      preheader: 'Press the button inside to confirm. Nothing more is sent until you do.',
    });
    problems.push(...messageProblems(confirm, `${course.dir} (confirmation email)`));
    if (problems.length) return { problems, warnings };
    return { problems, warnings, built: { course, sources, engine, steps, confirm } };
  } catch (err) {
    if (err instanceof CoursemailError)
      return { problems: [...problems, ...(err.problems.length ? err.problems : [{ code: err.code, file: course.dir, message: err.message }])] };
    return { problems: [...problems, { code: 'render', file: course.dir, message: `rendering failed: ${(err as Error).message}` }] };
  }
}
