import { describe, expect, it } from 'vitest';
import { complaintRate, formatStatus, statusReport, type DeliveryTally, type StatusInputs } from '../../src/status/index.ts';

const tally = (t: Partial<DeliveryTally> = {}): DeliveryTally => ({
  queued: 0,
  due: 0,
  sending: 0,
  sent: 0,
  failed: 0,
  cancelled: 0,
  delivered: 0,
  bounced: 0,
  complained: 0,
  ...t,
});
const at = new Date('2026-05-01T12:00:00Z');

function inputs(over: Partial<StatusInputs> = {}): StatusInputs {
  return {
    at,
    lessons: [
      { seriesId: 'coaching', stepSlug: 'two', stepNumber: 2, ...tally({ sent: 5, delivered: 4, queued: 3, due: 1, complained: 1 }) },
      { seriesId: 'coaching', stepSlug: 'one', stepNumber: 1, ...tally({ sent: 9, delivered: 8, bounced: 1, failed: 1 }) },
    ],
    broadcasts: [{ broadcastId: '7', ...tally({ sent: 6, delivered: 6, cancelled: 2 }) }],
    enrollments: [
      { seriesId: 'coaching', lastStepSlug: 'one', subscriberStatus: 'unsubscribed', count: 2 },
      { seriesId: 'coaching', lastStepSlug: 'one', subscriberStatus: 'active', count: 5 },
      { seriesId: 'coaching', lastStepSlug: 'two', subscriberStatus: 'unsubscribed', count: 1 },
      { seriesId: 'coaching', lastStepSlug: null, subscriberStatus: 'unsubscribed', count: 3 },
    ],
    broadcastInfo: [{ id: '7', slug: 'spring-news', subject: 'Spring news', status: 'sent', total: 8 }],
    subscribers: { pending: 1, active: 9, unsubscribed: 6, bounced: 1, complained: 1 },
    ...over,
  };
}

describe('statusReport', () => {
  it('orders lessons by step and attributes each unsubscribe to the last lesson the reader got', () => {
    const r = statusReport(inputs());
    const [series] = r.series;
    expect(series!.lessons.map((l) => [l.stepSlug, l.sent, l.delivered, l.bounced, l.complained, l.unsubscribed, l.failed, l.due, l.scheduled])).toEqual([
      ['one', 9, 8, 1, 0, 2, 1, 0, 0],
      ['two', 5, 4, 0, 1, 1, 0, 1, 2],
    ]);
    expect(series!.unsubscribedBeforeFirstLesson).toBe(3);
    expect(series!.total).toMatchObject({ sent: 14, delivered: 12, unsubscribed: 6, due: 1, scheduled: 2 });
  });

  it('names broadcasts and gives no unsubscribe figure it cannot stand behind', () => {
    const [b] = statusReport(inputs()).broadcasts;
    expect(b).toMatchObject({ slug: 'spring-news', subject: 'Spring news', status: 'sent', recipients: 8, sent: 6, cancelled: 2, unsubscribed: null });
  });

  it('totals every lesson and broadcast; unsubscribed counts people', () => {
    const r = statusReport(inputs());
    expect(r.total).toMatchObject({ sent: 20, delivered: 18, bounced: 1, complained: 1, failed: 1, unsubscribed: 6 });
    expect(r.complaintRate).toMatchObject({ complained: 1, basis: 'delivered', of: 18, level: 'over' });
  });

  it('with the series outline: the title, every lesson by subject in order (those nobody has reached at 0), a removed lesson kept by slug', () => {
    const courses = [
      {
        id: 'coaching',
        title: 'Coaching is not therapy',
        steps: [
          { step: 1, slug: 'one', subject: 'What coaching is' },
          { step: 2, slug: 'two', subject: 'What the trials found' },
          { step: 3, slug: 'three', subject: 'Coaching or therapy?' },
        ],
      },
    ];
    const extra = { seriesId: 'coaching', stepSlug: 'old', stepNumber: 4, ...tally({ sent: 2 }) };
    const r = statusReport(inputs({ courses, lessons: [...inputs().lessons, extra] }));
    const [series] = r.series;
    expect(series!.title).toBe('Coaching is not therapy');
    expect(series!.lessons.map((l) => [l.stepNumber, l.subject ?? `(${l.stepSlug})`, l.sent])).toEqual([
      [1, 'What coaching is', 9],
      [2, 'What the trials found', 5],
      [3, 'Coaching or therapy?', 0],
      [4, '(old)', 2],
    ]);
    expect(series!.total.sent).toBe(16);
    const text = formatStatus(r).join('\n');
    expect(text).toContain('Series “Coaching is not therapy” (coaching)');
    expect(text).toMatch(/^\s+3\. Coaching or therapy\?\s+0\s+0\s+0\s+0\s+0\s+0\s+0$/m);
    expect(text).toMatch(/^\s+4\. old\s+2/m);
  });

  it('a series with readers but nothing sent yet still appears', () => {
    const r = statusReport(inputs({ lessons: [], enrollments: [{ seriesId: 'new', lastStepSlug: null, subscriberStatus: 'active', count: 4 }] }));
    expect(r.series.map((s) => [s.seriesId, s.lessons.length])).toEqual([['new', 0]]);
  });
});

describe('complaint rate against the bulk-sender limits', () => {
  it.each([
    [0, 1000, 'ok'],
    [1, 1000, 'ok'], // exactly 0.1 %: not above it
    [2, 1000, 'warning'],
    [29, 10_000, 'warning'],
    [3, 1000, 'over'], // 0.3 % is the limit
    [1, 10, 'over'],
  ] as const)('%i complaints of %i delivered → %s', (complained, delivered, level) => {
    expect(complaintRate(complained, delivered, delivered).level).toBe(level);
  });

  it('uses sent when the transport reports no deliveries (SMTP), and says so', () => {
    expect(complaintRate(1, 0, 2000)).toMatchObject({ basis: 'sent', of: 2000, rate: 0.0005, level: 'ok' });
    expect(complaintRate(0, 0, 0)).toMatchObject({ rate: null, level: 'ok' });
  });
});

describe('formatStatus', () => {
  it('prints a table per series with the seven figures, the broadcasts, and the rate with its warning', () => {
    const lines = formatStatus(statusReport(inputs()));
    const text = lines.join('\n');
    expect(lines).toContainEqual(expect.stringMatching(/^\s+sent\s+delivered\s+bounced\s+complained\s+unsubscribed\s+failed\s+due$/));
    expect(lines).toContainEqual(expect.stringMatching(/^\s+1\. one\s+9\s+8\s+1\s+0\s+2\s+1\s+0$/));
    expect(lines).toContainEqual(expect.stringMatching(/^\s+spring-news \(sent\)\s+6\s+6\s+0\s+0\s+—\s+0\s+0$/));
    expect(text).toContain('(3 unsubscribed before their first lesson)');
    expect(text).toContain('Complaint rate: 5.6 % (1 of 18 delivered; warning above 0.10 %, limit 0.30 %) — OVER THE LIMIT');
  });
});
