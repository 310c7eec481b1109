/**
 * deliver: the transports behind `Transport` (declared by its consumer in src/send/): outbox (.eml files), smtp (nodemailer), resend (the SDK).
 * Every one refuses a message without a text part or one-click unsubscribe headers.
 */
export { configuredTransport } from './create-transport.ts';
export { createOutboxTransport, type OutboxOptions } from './outbox.ts';
export { createSmtpTransport, type SmtpOptions } from './smtp.ts';
export { createResendTransport, type ResendTransportOptions } from './resend.ts';
export { DELIVERY_HEADER } from './outgoing.ts';
export { composeMime, processSeed } from './mime.ts';
