/** @jsxRuntime automatic @jsxImportSource react */
import { Body, Container, Head, Html, Preview } from '@react-email/components';
import type { ReactNode } from 'react';
import type { FooterContent } from '../src/render/footer.ts';
import { palette } from '../src/render/styles.ts';
import { ComplianceFooter } from './ComplianceFooter.tsx';
import { sampleFooter } from './sample.ts';

export interface LayoutProps {
  /** The subject: the document's `<title>`, which screen readers and some clients show. */
  title: string;
  preheader: string;
  footer: FooterContent;
  children: ReactNode;
}

/** One column, 600 px, inline styles: readable in clients that ignore media queries. */
export function Layout({ title, preheader, footer, children }: LayoutProps) {
  return (
    <Html lang="en" dir="ltr">
      <Head>
        <title>{title}</title>
        <meta name="color-scheme" content="light dark" />
        <meta name="supported-color-schemes" content="light dark" />
      </Head>
      <Preview>{preheader}</Preview>
      <Body style={{ margin: 0, padding: '24px 0', backgroundColor: palette.background }}>
        <Container style={{ maxWidth: '600px', width: '100%', margin: '0 auto', padding: '32px 28px', backgroundColor: palette.card, borderRadius: '6px' }}>
          {children}
          <ComplianceFooter footer={footer} />
        </Container>
      </Body>
    </Html>
  );
}

Layout.PreviewProps = { title: 'A subject line', preheader: 'A short preview line', footer: sampleFooter, children: 'Body' };

export default Layout;
