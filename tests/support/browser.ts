import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * Flags for a headless Chromium in a container. Not @sparticuz/chromium's own `args`: those
 * are for AWS Lambda (`--single-process`, SwiftShader) and crash it here (FACTS.md).
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export type ChromiumSource = 'CHROME_PATH' | 'system' | '@sparticuz/chromium';

/**
 * Which Chromium to drive: `CHROME_PATH`, else a system `/usr/bin/chromium`, else the binary
 * the @sparticuz/chromium npm package ships (unpacked to /tmp/chromium on first use), so a
 * fresh machine with npm alone can run the browser tests.
 */
export async function chromiumExecutable(prefer?: ChromiumSource): Promise<{ path: string; source: ChromiumSource }> {
  if ((!prefer || prefer === 'CHROME_PATH') && process.env.CHROME_PATH) return { path: process.env.CHROME_PATH, source: 'CHROME_PATH' };
  if ((!prefer || prefer === 'system') && existsSync('/usr/bin/chromium')) return { path: '/usr/bin/chromium', source: 'system' };
  const sparticuz = (await import('@sparticuz/chromium')).default;
  return { path: await sparticuz.executablePath(), source: '@sparticuz/chromium' };
}

export async function launchBrowser(prefer?: ChromiumSource): Promise<Browser> {
  const { path } = await chromiumExecutable(prefer);
  return chromium.launch({ executablePath: path, headless: true, args: CHROMIUM_ARGS });
}
