/** @jsxRuntime automatic @jsxImportSource react */
import { Text } from '@react-email/components';
import type { CallToAction as Cta } from '../src/course/types.ts';
import type { FooterContent } from '../src/render/footer.ts';
import { palette } from '../src/render/styles.ts';
import { CallToAction } from './CallToAction.tsx';
import { Layout } from './Layout.tsx';
import { sampleFooter } from './sample.ts';

export interface LessonProps {
  seriesTitle: string;
  step: number;
  stepCount: number;
  subject: string;
  preheader: string;
  /** The lesson's Markdown already turned into HTML (placeholders intact). */
  bodyHtml: string;
  cta?: Cta;
  footer: FooterContent;
}

export function Lesson({ seriesTitle, step, stepCount, subject, preheader, bodyHtml, cta, footer }: LessonProps) {
  return (
    <Layout title={subject} preheader={preheader} footer={footer}>
      <Text style={{ margin: '0 0 20px', fontSize: '13px', color: palette.muted, fontFamily: 'Helvetica,Arial,sans-serif' }}>
        {`${seriesTitle} · Lesson ${step} of ${stepCount}`}
      </Text>
      {/* biome-ignore lint/security/noDangerouslySetInnerHtml: the author's block, sanitized (src/render/author-html.ts); the guard checks the footer comes after it, outside it. */}
      <div data-author-content="true" dangerouslySetInnerHTML={{ __html: bodyHtml }} />
      <CallToAction cta={cta} />
    </Layout>
  );
}

Lesson.PreviewProps = {
  seriesTitle: 'Physician coaching is not therapy',
  step: 1,
  stepCount: 5,
  subject: 'What coaching is',
  preheader: 'A non-clinical kind of professional support.',
  bodyHtml: '<p>{{#if firstName}}Hi {{firstName}},{{else}}Hello,{{/if}}</p><p>Coaching is structured, forward-looking work.</p>',
  footer: sampleFooter,
} satisfies LessonProps;

export default Lesson;
