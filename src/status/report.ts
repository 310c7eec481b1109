import { complaintRate } from './complaint-rate.ts';
import { unreported } from './reach.ts';
import type { BroadcastStatus, DeliveryTally, Figures, LessonStatus, SeriesStatus, StatusInputs, StatusReport } from './types.ts';

const ZERO: Figures = { sent: 0, delivered: 0, bounced: 0, complained: 0, unsubscribed: 0, failed: 0, due: 0, scheduled: 0, sending: 0, cancelled: 0 };

function figures(t: DeliveryTally, unsubscribed: number | null): Figures {
  const { sent, delivered, bounced, complained, failed, due, sending, cancelled } = t;
  return { sent, delivered, bounced, complained, unsubscribed, failed, due, scheduled: t.queued - t.due, sending, cancelled };
}

/** Figures summed; `unsubscribed` stays null (no honest figure) if either side has none. */
function add(a: Figures, b: Figures): Figures {
  return {
    sent: a.sent + b.sent,
    delivered: a.delivered + b.delivered,
    bounced: a.bounced + b.bounced,
    complained: a.complained + b.complained,
    unsubscribed: a.unsubscribed === null || b.unsubscribed === null ? null : a.unsubscribed + b.unsubscribed,
    failed: a.failed + b.failed,
    due: a.due + b.due,
    scheduled: a.scheduled + b.scheduled,
    sending: a.sending + b.sending,
    cancelled: a.cancelled + b.cancelled,
  };
}

/**
 * The coach's report from the store's counts. A lesson's `unsubscribed` is the readers
 * whose last lesson was that one when they left: the lesson after which they went.
 */
export function statusReport(inputs: StatusInputs): StatusReport {
  const left = new Map<string, number>();
  const key = (series: string, slug: string | null) => `${series}\u0000${slug ?? ''}`;
  for (const e of inputs.enrollments) {
    if (e.subscriberStatus !== 'unsubscribed') continue;
    left.set(key(e.seriesId, e.lastStepSlug), (left.get(key(e.seriesId, e.lastStepSlug)) ?? 0) + e.count);
  }

  const bySeries = new Map<string, LessonStatus[]>();
  const lessonsOf = (id: string) => bySeries.get(id) ?? bySeries.set(id, []).get(id)!;
  const seen = new Set<string>();
  for (const l of inputs.lessons) {
    seen.add(key(l.seriesId, l.stepSlug));
    lessonsOf(l.seriesId).push({ stepNumber: l.stepNumber, stepSlug: l.stepSlug, ...figures(l, left.get(key(l.seriesId, l.stepSlug)) ?? 0) });
  }
  // Readers who left after a lesson whose rows are gone (erased) still count.
  for (const e of inputs.enrollments) {
    const k = key(e.seriesId, e.lastStepSlug);
    if (e.lastStepSlug === null || seen.has(k) || e.subscriberStatus !== 'unsubscribed') continue;
    seen.add(k);
    lessonsOf(e.seriesId).push({ stepNumber: null, stepSlug: e.lastStepSlug, ...ZERO, unsubscribed: left.get(k) ?? 0 });
  }
  for (const e of inputs.enrollments) lessonsOf(e.seriesId);
  // Every series in series/, a new one with nothing sent among them.
  for (const c of inputs.courses ?? []) lessonsOf(c.id);
  // Every lesson of a series, by subject, those nobody has reached yet too.
  const outlines = new Map((inputs.courses ?? []).map((c) => [c.id, c]));
  for (const [seriesId, lessons] of bySeries) {
    for (const step of outlines.get(seriesId)?.steps ?? []) {
      const rows = lessons.filter((l) => l.stepSlug === step.slug);
      for (const l of rows) l.subject = step.subject;
      if (rows.length === 0) lessons.push({ stepNumber: step.step, stepSlug: step.slug, subject: step.subject, ...ZERO });
    }
  }

  const series: SeriesStatus[] = [...bySeries.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([seriesId, lessons]) => {
      lessons.sort((a, b) => (a.stepNumber ?? Infinity) - (b.stepNumber ?? Infinity) || a.stepSlug.localeCompare(b.stepSlug));
      const before = left.get(key(seriesId, null)) ?? 0;
      const total = lessons.reduce<Figures>((sum, l) => add(sum, l), { ...ZERO, unsubscribed: before });
      return { seriesId, title: outlines.get(seriesId)?.title, lessons, total, unsubscribedBeforeFirstLesson: before };
    });

  const info = new Map(inputs.broadcastInfo.map((b) => [b.id, b]));
  const broadcasts: BroadcastStatus[] = inputs.broadcasts.map((t) => {
    const b = info.get(t.broadcastId);
    return {
      broadcastId: t.broadcastId,
      slug: b?.slug ?? `#${t.broadcastId}`,
      subject: b?.subject ?? '',
      status: b?.status ?? 'unknown',
      recipients: b?.total ?? null,
      ...figures(t, null),
    };
  });

  const sum = [...series.map((s) => s.total), ...broadcasts.map((b) => ({ ...b, unsubscribed: 0 }))].reduce<Figures>(add, ZERO);
  const total: Figures = { ...sum, unsubscribed: inputs.subscribers.unsubscribed ?? 0 };
  return {
    at: inputs.at.toISOString(),
    series,
    broadcasts,
    total,
    complaintRate: complaintRate(total.complained, total.delivered, total.sent),
    subscribers: inputs.subscribers,
    unreported: inputs.reach ? unreported(inputs.reach.transport, inputs.reach.webhooks) : { columns: [], label: '' },
  };
}
