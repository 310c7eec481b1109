import type { FooterContent } from '../../src/render/footer.ts';
import { escapeHtml as e } from '../../src/render/escape.ts';
import { palette } from '../../src/render/styles.ts';

/** The same footer as `emails/ComplianceFooter.tsx`, from the same wording, as MJML. */
export function complianceFooter(footer: FooterContent): string {
  const text = (content: string, extra = '') =>
    `<mj-text font-size="13px" line-height="1.5" color="${palette.muted}" padding="0 0 12px" ${extra}><p style="margin:0">${content}</p></mj-text>`;
  const link = (href: string, label: string) => `<a href="${href}" style="color:${palette.link};text-decoration:underline">${e(label)}</a>`;
  return `
    <mj-divider border-width="1px" border-color="${palette.rule}" padding="24px 0 16px" />
    ${text(e(footer.crisis), `color="${palette.text}" font-weight="600"`)}
    ${text(e(footer.disclaimer))}
    ${text(e(footer.reason))}
    ${text(`${e(`Sent by ${footer.coach ? `${footer.coach} · ` : ''}${footer.senderName} <${footer.senderEmail}>`)}<br />${e(footer.postalAddress)}`)}
    ${text(`${link(footer.unsubscribe.url, footer.unsubscribe.text)} · ${link(footer.preferences.url, footer.preferences.text)}`)}`;
}
