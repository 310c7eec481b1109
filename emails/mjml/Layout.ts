import type { CallToAction } from '../../src/course/types.ts';
import type { FooterContent } from '../../src/render/footer.ts';
import { escapeHtml as e } from '../../src/render/escape.ts';
import { palette } from '../../src/render/styles.ts';
import { complianceFooter } from './ComplianceFooter.ts';

export interface MjmlLayoutProps {
  /** The subject: the document's `<title>`. */
  title: string;
  preheader: string;
  /** The templates' own HTML before the author's block (the lesson label). */
  beforeHtml?: string;
  /** The author's block (sanitized Markdown output), or the template's own text. */
  contentHtml: string;
  cta?: CallToAction;
  /** HTML after the button, before the footer. */
  afterHtml?: string;
  footer: FooterContent;
}

/** The MJML twin of `emails/Layout.tsx`: one 600 px column, footer always last. */
export function mjmlLayout({ title, preheader, beforeHtml, contentHtml, cta, afterHtml, footer }: MjmlLayoutProps): string {
  const button = cta?.href
    ? `<mj-button href="${cta.href}" background-color="${palette.button}" color="${palette.buttonText}" font-size="16px" font-weight="600" border-radius="4px" align="left" padding="8px 0 24px">${e(cta.text)}</mj-button>`
    : '';
  return `<mjml lang="en" dir="ltr">
  <mj-head>
    <mj-title>${e(title)}</mj-title>
    <mj-preview>${e(preheader)}</mj-preview>
    <mj-attributes>
      <mj-all font-family="-apple-system,'Segoe UI',Helvetica,Arial,sans-serif" />
      <mj-text font-size="16px" line-height="1.6" color="${palette.text}" padding="0" />
    </mj-attributes>
  </mj-head>
  <mj-body background-color="${palette.background}" width="600px">
    <mj-section background-color="${palette.card}" padding="32px 28px" border-radius="6px">
      <mj-column>
        <mj-text>${beforeHtml ?? ''}<div data-author-content="true">${contentHtml}</div></mj-text>
        ${button}
        ${afterHtml ? `<mj-text>${afterHtml}</mj-text>` : ''}
        ${complianceFooter(footer)}
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;
}
