import type { ActiveEnrollment, ClaimedBatch, ClaimedDelivery, ClaimOptions, DeliveryOutcome, LeaseHolder, NewDelivery, Subscriber } from '../store/index.ts';

/**
 * What sending needs from the store, declared here by the consumer: the worker claims,
 * records and releases batches; the scheduler pass queues the lessons enrollments are due.
 * `src/store` satisfies it structurally; a test can hand in anything that does.
 */
export interface SendStore {
  readonly deliveries: {
    enqueue(rows: NewDelivery[], now: Date): Promise<number>;
    claim(opts: ClaimOptions): Promise<ClaimedBatch | null>;
    recordOutcomes(outcomes: DeliveryOutcome[], lease?: LeaseHolder): Promise<number>;
    recordAndClaim(outcomes: DeliveryOutcome[], lease: LeaseHolder, next: ClaimOptions): Promise<ClaimedBatch | null>;
    releaseLeases(owner: string): Promise<number>;
    /** Lessons claimed after their send window closed go back to the queue for its next opening. */
    defer(rows: { id: string; dueAt: Date }[], lease: LeaseHolder): Promise<number>;
  };
  readonly subscribers: {
    getById(id: string): Promise<Pick<Subscriber, 'confirmNonce'> | null>;
    markBounced(id: string, now: Date): Promise<unknown>;
  };
  readonly enrollments: {
    listActiveEnrollments(opts: { limit: number; after?: string }): Promise<ActiveEnrollment[]>;
    complete(enrollmentIds: readonly string[]): Promise<number>;
  };
}

export type { ClaimedBatch, ClaimedDelivery, DeliveryOutcome, LeaseHolder, NewDelivery };
