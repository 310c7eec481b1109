import type { FooterContent } from '../../src/render/footer.ts';
import { escapeHtml as e } from '../../src/render/escape.ts';
import { palette } from '../../src/render/styles.ts';

/**
 * The same footer as `emails/ComplianceFooter.tsx`, from the same wording, as MJML: one
 * block marked `data-compliance-footer`, which the guard finds after the author's block.
 */
export function complianceFooter(footer: FooterContent): string {
  const p = (content: string, extra = '') => `<p style="margin:0 0 12px;font-size:13px;line-height:1.5;color:${palette.muted}${extra}">${content}</p>`;
  const link = (href: string, label: string) => `<a href="${e(href)}" style="color:${palette.link};text-decoration:underline">${e(label)}</a>`;
  const crisis = footer.crisisParts.map((part) => (part.href ? link(part.href, part.text) : e(part.text))).join('');
  return `
    <mj-text padding="8px 0 0"><div data-compliance-footer="true">
      <hr style="border:none;border-top:1px solid ${palette.rule};margin:24px 0 16px" />
      ${p(crisis, `;color:${palette.text};font-weight:600`)}
      ${p(e(footer.disclaimer))}
      ${p(e(footer.reason))}
      ${p(`${e(`Sent by ${footer.coach ? `${footer.coach} · ` : ''}${footer.senderName} <${footer.senderEmail}>`)}<br />${e(footer.postalAddress)}`)}
      ${p(`${link(footer.unsubscribe.url, footer.unsubscribe.text)} · ${link(footer.preferences.url, footer.preferences.text)}`)}
    </div></mj-text>`;
}
