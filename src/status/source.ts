import { statusReport } from './report.ts';
import type { BroadcastInfo, BroadcastTally, CourseOutline, EnrollmentTally, LessonTally, StatusInputs, StatusReport } from './types.ts';

/** The counts the report needs; the store satisfies this as it is. */
export interface StatusSource {
  deliveries: { counts(now: Date): Promise<{ lessons: LessonTally[]; broadcasts: BroadcastTally[] }> };
  enrollments: { countByStep(): Promise<EnrollmentTally[]> };
  subscribers: { countByStatus(): Promise<Record<string, number>> };
  broadcasts: { list(): Promise<BroadcastInfo[]> };
}

/** Reads the counts (grouped queries, no per-row reads) and builds the report for `now`. */
export async function readStatus(source: StatusSource, now: Date, courses?: readonly CourseOutline[], reach?: StatusInputs['reach']): Promise<StatusReport> {
  const [counts, enrollments, subscribers, broadcastInfo] = await Promise.all([
    source.deliveries.counts(now),
    source.enrollments.countByStep(),
    source.subscribers.countByStatus(),
    source.broadcasts.list(),
  ]);
  return statusReport({ at: now, courses, reach, lessons: counts.lessons, broadcasts: counts.broadcasts, enrollments, broadcastInfo, subscribers });
}
