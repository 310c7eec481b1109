/** @jsxRuntime automatic @jsxImportSource react */
import type { CallToAction as Cta } from '../src/course/types.ts';
import type { FooterContent } from '../src/render/footer.ts';
import { CallToAction } from './CallToAction.tsx';
import { Layout } from './Layout.tsx';
import { sampleFooter } from './sample.ts';

export interface BroadcastProps {
  preheader: string;
  bodyHtml: string;
  cta?: Cta;
  footer: FooterContent;
}

export function Broadcast({ preheader, bodyHtml, cta, footer }: BroadcastProps) {
  return (
    <Layout preheader={preheader} footer={footer}>
      <div dangerouslySetInnerHTML={{ __html: bodyHtml }} />
      <CallToAction cta={cta} />
    </Layout>
  );
}

Broadcast.PreviewProps = {
  preheader: 'A new article, and two open consultation slots.',
  bodyHtml: '<p>{{#if firstName}}Hi {{firstName}},{{else}}Hello,{{/if}}</p><p>A short note from the coach.</p>',
  footer: sampleFooter,
} satisfies BroadcastProps;

export default Broadcast;
