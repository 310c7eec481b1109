/** @jsxRuntime automatic @jsxImportSource react */
import type { CallToAction as Cta } from '../src/course/types.ts';
import type { FooterContent } from '../src/render/footer.ts';
import { CallToAction } from './CallToAction.tsx';
import { Layout } from './Layout.tsx';
import { sampleFooter } from './sample.ts';

export interface BroadcastProps {
  subject: string;
  preheader: string;
  bodyHtml: string;
  cta?: Cta;
  footer: FooterContent;
}

export function Broadcast({ subject, preheader, bodyHtml, cta, footer }: BroadcastProps) {
  return (
    <Layout title={subject} preheader={preheader} footer={footer}>
      {/* biome-ignore lint/security/noDangerouslySetInnerHtml: the author's block, sanitized (src/render/author-html.ts); the guard checks the footer comes after it, outside it. */}
      <div data-author-content="true" dangerouslySetInnerHTML={{ __html: bodyHtml }} />
      <CallToAction cta={cta} />
    </Layout>
  );
}

Broadcast.PreviewProps = {
  subject: 'A new article',
  preheader: 'A new article, and two open consultation slots.',
  bodyHtml: '<p>{{#if firstName}}Hi {{firstName}},{{else}}Hello,{{/if}}</p><p>A short note from the coach.</p>',
  footer: sampleFooter,
} satisfies BroadcastProps;

export default Broadcast;
