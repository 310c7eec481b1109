/**
 * The public endpoints (`coursemail serve`, and inside `dev`): sign-up with double opt-in,
 * confirmation, one-click unsubscribe, the preferences page. `createPublicApp` is the bare
 * Hono app; the caller starts it with `startHttpServer` (src/server/http.ts).
 */
export { createPublicApp } from './app.ts';
export type { PublicDeps, PublicLimits, SeriesInfo } from './deps.ts';
export { CONTENT_SECURITY_POLICY } from './headers.ts';
