export { createConsoleApp, SESSION_IDLE_MS } from './app.ts';
export { openConsole, type OpenConsoleOptions } from './open.ts';
export { SIGN_IN_LIMITS, SIGN_IN_TTL_MS } from './sign-in.ts';
