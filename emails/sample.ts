import type { FooterContent } from '../src/render/footer.ts';
import { footerContent } from '../src/render/footer.ts';

/** Preview props only: a plausible sender so components render standalone. */
export const sampleFooter: FooterContent = footerContent(
  { sender: { name: 'Example Physician Coaching', email: 'coach@example.com' }, postalAddress: '100 Example Street, Suite 200, Springfield, IL 62701, USA' },
  { kind: 'lesson', seriesTitle: 'Physician coaching is not therapy' },
);
