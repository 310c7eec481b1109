import type { ComplaintRate } from './types.ts';

/** Gmail and Yahoo bulk-sender rules: stay under 0.1 %, never reach 0.3 %. */
const COMPLAINT_WARN_ABOVE = 0.001;
const COMPLAINT_LIMIT = 0.003;

export function complaintRate(complained: number, delivered: number, sent: number): ComplaintRate {
  const basis = delivered > 0 ? 'delivered' : 'sent';
  const of = basis === 'delivered' ? delivered : sent;
  const rate = of > 0 ? complained / of : null;
  const level = rate === null ? 'ok' : rate >= COMPLAINT_LIMIT ? 'over' : rate > COMPLAINT_WARN_ABOVE ? 'warning' : 'ok';
  return { complained, basis, of, rate, level, warnAbove: COMPLAINT_WARN_ABOVE, limit: COMPLAINT_LIMIT };
}
