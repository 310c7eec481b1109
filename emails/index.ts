/**
 * The templates the renderer loads. A project may override any of them by keeping its own
 * copy of this folder at its root; the names exported here are the contract.
 */
export { Lesson } from './Lesson.tsx';
export { Broadcast } from './Broadcast.tsx';
export { ConfirmSubscription } from './ConfirmSubscription.tsx';
export { lessonMjml } from './mjml/Lesson.ts';
export { broadcastMjml } from './mjml/Broadcast.ts';
export { confirmSubscriptionMjml } from './mjml/ConfirmSubscription.ts';
