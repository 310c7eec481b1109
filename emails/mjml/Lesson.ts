import type { LessonProps } from '../Lesson.tsx';
import { escapeHtml as e } from '../../src/render/escape.ts';
import { palette } from '../../src/render/styles.ts';
import { mjmlLayout } from './Layout.ts';

export function lessonMjml({ seriesTitle, step, stepCount, subject, preheader, bodyHtml, cta, footer }: LessonProps): string {
  const label = `<p style="margin:0 0 20px;font-size:13px;color:${palette.muted}">${e(`${seriesTitle} · Lesson ${step} of ${stepCount}`)}</p>`;
  return mjmlLayout({ title: subject, preheader, beforeHtml: label, contentHtml: bodyHtml, cta, footer });
}
