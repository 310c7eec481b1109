/** @jsxRuntime automatic @jsxImportSource react */
import { Hr, Link, Section, Text } from '@react-email/components';
import type { FooterContent } from '../src/render/footer.ts';
import { palette } from '../src/render/styles.ts';
import { sampleFooter } from './sample.ts';

const small = {
  margin: '0 0 12px',
  fontFamily: "-apple-system,'Segoe UI',Helvetica,Arial,sans-serif",
  fontSize: '13px',
  lineHeight: '1.5',
  color: palette.muted,
};
const link = { color: palette.link, textDecoration: 'underline' };

/**
 * Every message ends with this: why you got it, the disclaimer, the crisis line, who sent it
 * and from where, and how to leave. The wording comes from `src/render/footer.ts`; the
 * `data-compliance-footer` mark is how the guard finds it after the author's block.
 */
export function ComplianceFooter({ footer }: { footer: FooterContent }) {
  return (
    <Section data-compliance-footer="true" style={{ padding: '8px 0 0' }}>
      <Hr style={{ border: 'none', borderTop: `1px solid ${palette.rule}`, margin: '24px 0 16px' }} />
      <Text style={{ ...small, color: palette.text, fontWeight: 600 }}>
        {footer.crisisParts.map((part) =>
          part.href ? (
            <Link key={part.href} href={part.href} style={link}>
              {part.text}
            </Link>
          ) : (
            part.text
          ),
        )}
      </Text>
      <Text style={small}>{footer.disclaimer}</Text>
      <Text style={small}>{footer.reason}</Text>
      <Text style={small}>
        {`Sent by ${footer.coach ? `${footer.coach} · ` : ''}${footer.senderName} <${footer.senderEmail}>`}
        <br />
        {footer.postalAddress}
      </Text>
      <Text style={small}>
        <Link href={footer.unsubscribe.url} style={link}>
          {footer.unsubscribe.text}
        </Link>
        {' · '}
        <Link href={footer.preferences.url} style={link}>
          {footer.preferences.text}
        </Link>
      </Text>
    </Section>
  );
}

ComplianceFooter.PreviewProps = { footer: sampleFooter };

export default ComplianceFooter;
