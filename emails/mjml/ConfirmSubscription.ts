import type { ConfirmSubscriptionProps } from '../ConfirmSubscription.tsx';
import { escapeHtml as e } from '../../src/render/escape.ts';
import { emailStyles } from '../../src/render/styles.ts';
import { mjmlLayout } from './Layout.ts';

export function confirmSubscriptionMjml({ seriesTitle, subject, firstLesson, preheader, footer }: ConfirmSubscriptionProps): string {
  const p = (t: string) => `<p style="margin:0 0 16px">${t}</p>`;
  const contentHtml = [
    // Never the typed name: a sign-up form must not make this address mail anyone a stranger's words.
    p('Hello,'),
    p(e(`Please confirm that you want to receive the email course “${seriesTitle}”. ${firstLesson}`)),
  ].join('');
  // The address is one long word: broken anywhere, or it would widen the email past a phone's screen.
  const after = p(
    `If the button does not work, copy this address into your browser: <a href="{{confirmUrl}}" style="${emailStyles.addressLink}">{{confirmUrl}}</a>`,
  );
  return mjmlLayout({ title: subject, preheader, contentHtml, cta: { text: 'Yes, send me the course', href: '{{confirmUrl}}' }, afterHtml: after, footer });
}
