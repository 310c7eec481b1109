/**
 * The public endpoints (`coursemail serve`, and inside `dev`): sign-up with double opt-in,
 * confirmation, one-click unsubscribe, the preferences page. `createPublicApp` is the bare
 * Hono app; the caller starts it with `startHttpServer` (src/server/http.ts).
 */
export { createPublicApp } from './app.ts';
export { DEFAULT_LIMITS, type PublicDeps, type PublicLimits, type SeriesInfo } from './deps.ts';
export { CONTENT_SECURITY_POLICY } from './headers.ts';
export { CHECK_INBOX } from './pages.ts';
