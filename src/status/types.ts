/**
 * What the status report is made from — the store's counts, declared here by their
 * consumer so this folder imports no store code — and what it makes.
 */

/** One group of delivery rows (a lesson of a series, or a broadcast) by state. */
export interface DeliveryTally {
  queued: number;
  /** Queued and due by the report's time. */
  due: number;
  sending: number;
  sent: number;
  failed: number;
  cancelled: number;
  delivered: number;
  bounced: number;
  complained: number;
}

export interface LessonTally extends DeliveryTally {
  seriesId: string;
  stepSlug: string;
  stepNumber: number | null;
}

export interface BroadcastTally extends DeliveryTally {
  broadcastId: string;
}

/** Enrollments by the last lesson they received and the reader's status. */
export interface EnrollmentTally {
  seriesId: string;
  lastStepSlug: string | null;
  subscriberStatus: string;
  count: number;
}

export interface BroadcastInfo {
  id: string;
  slug: string;
  subject: string;
  status: string;
  total: number | null;
}

/**
 * What the report may know of a series beyond the store: its title and its lessons in order,
 * so the coach reads subjects (and sees the lessons nobody has reached yet), not file slugs.
 */
export interface CourseOutline {
  id: string;
  title: string;
  steps: readonly { step: number; slug: string; subject: string }[];
}

export interface StatusInputs {
  at: Date;
  /** The transport and whether its webhooks are on: which columns it can fill. Unset: all of them. */
  reach?: { transport: string; webhooks: boolean };
  /** The series as they are now; without them, lessons are named by slug. */
  courses?: readonly CourseOutline[];
  lessons: LessonTally[];
  broadcasts: BroadcastTally[];
  enrollments: EnrollmentTally[];
  broadcastInfo: BroadcastInfo[];
  /** Subscribers by status. */
  subscribers: Record<string, number>;
}

/**
 * The figures the coach sees. No opens, no clicks: coursemail does not track readers.
 * `unsubscribed` is null where no honest figure exists (broadcasts: the store does not
 * tie an unsubscribe to the message that prompted it).
 */
export interface Figures {
  sent: number;
  delivered: number;
  bounced: number;
  complained: number;
  unsubscribed: number | null;
  failed: number;
  due: number;
  /** Queued for later than the report's time. */
  scheduled: number;
  sending: number;
  cancelled: number;
}

export interface LessonStatus extends Figures {
  stepNumber: number | null;
  stepSlug: string;
  /** From the series as it is now; absent for a lesson since removed from it. */
  subject?: string;
}

export interface SeriesStatus {
  seriesId: string;
  title?: string;
  lessons: LessonStatus[];
  total: Figures;
  /** Left before their first lesson went out. */
  unsubscribedBeforeFirstLesson: number;
}

export interface BroadcastStatus extends Figures {
  broadcastId: string;
  slug: string;
  subject: string;
  status: string;
  recipients: number | null;
}

/** Columns a transport cannot fill, and the words shown in their place. */
export interface Unreported {
  columns: (keyof Figures)[];
  label: string;
}

export type ComplaintLevel = 'ok' | 'warning' | 'over';

export interface ComplaintRate {
  complained: number;
  /** Delivered when the provider reports deliveries (Resend); sent otherwise (SMTP, outbox). */
  basis: 'delivered' | 'sent';
  of: number;
  /** Null when nothing has gone out yet. */
  rate: number | null;
  level: ComplaintLevel;
  warnAbove: number;
  limit: number;
}

export interface StatusReport {
  at: string;
  series: SeriesStatus[];
  broadcasts: BroadcastStatus[];
  /** Every lesson and broadcast; `unsubscribed` counts people. */
  total: Figures;
  complaintRate: ComplaintRate;
  subscribers: Record<string, number>;
  /** Columns the transport cannot fill: shown as `label` ("n/a with outbox"), not 0. */
  unreported: Unreported;
}
