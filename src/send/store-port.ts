import type { ClaimedBatch, ClaimedDelivery, DeliveryOutcome, LeaseHolder, NewDelivery, Store } from '../store/index.ts';

/**
 * What sending needs from the store, declared here by the consumer as the store methods it
 * calls: the worker claims, records, defers and releases batches (and marks a hard bounce);
 * the scheduler pass lists active enrollments and queues the lessons they are due.
 */
export interface SendStore {
  readonly deliveries: Pick<Store['deliveries'], 'enqueue' | 'claim' | 'recordOutcomes' | 'recordAndClaim' | 'releaseLeases' | 'defer'>;
  readonly subscribers: Pick<Store['subscribers'], 'getById' | 'markBounced'>;
  readonly enrollments: Pick<Store['enrollments'], 'listActiveEnrollments' | 'complete'>;
}

export type { ClaimedBatch, ClaimedDelivery, DeliveryOutcome, LeaseHolder, NewDelivery };
