/** @jsxRuntime automatic @jsxImportSource react */
import { Link, Text } from '@react-email/components';
import type { FooterContent } from '../src/render/footer.ts';
import { emailStyles, palette } from '../src/render/styles.ts';
import { CallToAction } from './CallToAction.tsx';
import { Layout } from './Layout.tsx';
import { sampleFooter } from './sample.ts';

export interface ConfirmSubscriptionProps {
  seriesTitle: string;
  subject: string;
  /** When lesson 1 arrives, in one sentence (schedule/promise.ts). */
  firstLesson: string;
  preheader: string;
  footer: FooterContent;
}

/** The address is one long word: broken anywhere, or it would widen the email past a phone's screen. */
const addressLink = { color: palette.link, textDecoration: 'underline', wordBreak: 'break-all' } as const;
const p = { margin: '0 0 16px', fontSize: '16px', lineHeight: '1.6', fontFamily: emailStyles.font.replace('font-family:', '') };

/** Double opt-in: nothing else is sent until the reader presses the button. */
export function ConfirmSubscription({ seriesTitle, subject, firstLesson, preheader, footer }: ConfirmSubscriptionProps) {
  return (
    <Layout title={subject} preheader={preheader} footer={footer}>
      {/* Never the typed name: a sign-up form must not make this address mail anyone a stranger's words. */}
      <Text style={p}>Hello,</Text>
      <Text style={p}>{`Please confirm that you want to receive the email course “${seriesTitle}”. ${firstLesson}`}</Text>
      <CallToAction cta={{ text: 'Yes, send me the course', href: '{{confirmUrl}}' }} />
      <Text style={p}>
        {'If the button does not work, copy this address into your browser: '}
        <Link href="{{confirmUrl}}" style={addressLink}>
          {'{{confirmUrl}}'}
        </Link>
      </Text>
    </Layout>
  );
}

ConfirmSubscription.PreviewProps = {
  seriesTitle: 'Physician coaching is not therapy',
  subject: 'Please confirm: Physician coaching is not therapy',
  firstLesson: 'The first lesson arrives at once when you confirm.',
  preheader: 'Press the button inside to confirm. Nothing more is sent until you do.',
  footer: { ...sampleFooter, reason: 'You are receiving this because someone asked to subscribe this address.' },
} satisfies ConfirmSubscriptionProps;

export default ConfirmSubscription;
