import { createElement } from 'react';
import { render } from '@react-email/render';
import mjml2html from 'mjml';
import { buildSeries, loadProject } from '../src/build/index.ts';
import { compileMessage, personalize } from '../src/personalize/index.ts';
import { footerContent } from '../src/render/footer.ts';
import { markdownToEmailHtml } from '../src/render/markdown.ts';
import { isMain, printFigures, type Figure } from './report.ts';

const REPO = new URL('..', import.meta.url).pathname;

async function timePerOp(n: number, fn: (i: number) => unknown | Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn(i);
  return Number(process.hrtime.bigint() - start) / 1e6 / n;
}

/**
 * Issue #3: warm build of the whole series, and the per-recipient cost of compile-once-fill
 * against rendering React Email or MJML for each recipient (the slow way the design avoids).
 */
export async function benchBuild(): Promise<Figure[]> {
  const project = await loadProject(REPO);
  await buildSeries(project, 'physician-coaching'); // warm: modules loaded, JIT warmed
  await buildSeries(project, 'physician-coaching');
  const buildMs = await timePerOp(5, () => buildSeries(project, 'physician-coaching'));

  const { built } = await buildSeries(project, 'physician-coaching');
  const step = built!.steps[1]!;
  const compiled = compileMessage(step.message);
  const recipient = (i: number) => ({ firstName: `Reader ${i}`, unsubscribeUrl: `https://example.com/u/${i}`, preferencesUrl: `https://example.com/p/${i}` });
  for (let i = 0; i < 2000; i++) personalize(compiled, recipient(i));
  const fillMs = await timePerOp(20_000, (i) => personalize(compiled, recipient(i)));

  // The slow way: render the template for each recipient with their values already in.
  const footer = footerContent(project.config, { kind: 'lesson', seriesTitle: built!.course.title });
  const props = (i: number) => ({
    seriesTitle: built!.course.title,
    step: 2,
    stepCount: 5,
    subject: step.step.subject,
    preheader: step.step.preheader,
    bodyHtml: markdownToEmailHtml(
      step.step.body.replace(/\{\{#if firstName\}\}Hi \{\{firstName\}\},\{\{else\}\}Hello,\{\{\/if\}\}/, `Hi Reader ${i},`),
      project.resolveLink,
    ),
    cta: step.step.cta,
    footer: { ...footer, unsubscribe: { ...footer.unsubscribe, url: `https://example.com/u/${i}` } },
  });
  const reactOnce = async (i: number) => {
    const html = await render(createElement(project.templates.Lesson, props(i)));
    return render(createElement(project.templates.Lesson, props(i)), { plainText: true }).then((t) => html + t);
  };
  for (let i = 0; i < 20; i++) await reactOnce(i);
  const reactMs = await timePerOp(200, reactOnce);
  const mjmlOnce = (i: number) => mjml2html(project.templates.lessonMjml(props(i)), { validationLevel: 'skip' });
  for (let i = 0; i < 20; i++) await mjmlOnce(i);
  const mjmlMs = await timePerOp(200, mjmlOnce);

  return [
    {
      issue: 3,
      name: 'warm build of the whole series (5 lessons + confirmation, guarded)',
      value: buildMs,
      unit: 'ms',
      target: '< 500 ms',
      met: buildMs < 500,
    },
    {
      issue: 3,
      name: 'per-recipient fill (HTML + text + subject)',
      value: fillMs * 1000,
      unit: 'µs',
      slow: { name: 'React Email render per recipient (HTML + text)', value: reactMs * 1000 },
      ratio: reactMs / fillMs,
      target: 'fill ≥ 200× faster than React render',
      met: reactMs / fillMs >= 200,
    },
    {
      issue: 3,
      name: 'per-recipient fill vs MJML per recipient',
      value: fillMs * 1000,
      unit: 'µs',
      slow: { name: 'MJML render per recipient (HTML only)', value: mjmlMs * 1000 },
      ratio: mjmlMs / fillMs,
    },
  ];
}

if (isMain(import.meta.url)) printFigures(await benchBuild());
