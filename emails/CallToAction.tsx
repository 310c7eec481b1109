/** @jsxRuntime automatic @jsxImportSource react */
import { Button, Section } from '@react-email/components';
import type { CallToAction as Cta } from '../src/course/types.ts';
import { palette } from '../src/render/styles.ts';

/** A button only when the link resolved; an unresolved one is left out rather than dead. */
export function CallToAction({ cta }: { cta?: Cta }) {
  if (!cta?.href) return null;
  return (
    <Section style={{ margin: '8px 0 24px' }}>
      <Button
        href={cta.href}
        style={{
          backgroundColor: palette.button,
          color: palette.buttonText,
          padding: '12px 20px',
          borderRadius: '4px',
          fontFamily: "-apple-system,'Segoe UI',Helvetica,Arial,sans-serif",
          fontSize: '16px',
          fontWeight: 600,
          textDecoration: 'none',
        }}
      >
        {cta.text}
      </Button>
    </Section>
  );
}

export default CallToAction;
