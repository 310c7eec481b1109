/**
 * What sending needs from the store, declared here by the consumer. `src/store` satisfies
 * it structurally; tests could hand in any other implementation.
 */
export type { Store as SendStore, ClaimedBatch, ClaimedDelivery, DeliveryOutcome, LeaseHolder, NewDelivery, ActiveEnrollment } from '../store/index.ts';
