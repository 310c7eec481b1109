/**
 * Provider webhooks: `createWebhookApp` serves `POST /webhooks/resend` (Svix-signed, checked
 * with the Resend SDK) and turns delivery, bounce, complaint and suppression events into
 * store changes. Mount it on the public server: `app.route('/', createWebhookApp(deps))`.
 */
export { createWebhookApp, webhookLogLine, type WebhookDeps, type WebhookLogEntry } from './app.ts';
export { classifyResendEvent } from './classify.ts';
