/** Sign-up: what a reader asked for, and when to mail its confirmation link. */
export { awaitsConfirmation, freshLinkSeries, queueConfirmation, requestedSeries } from './confirmation.ts';
export type { SignUp, SignUpStore } from './port.ts';
