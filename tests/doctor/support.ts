import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, vi } from 'vitest';
import { REPO, runCli } from '../support/project.ts';

export const DOMAIN = 'riveracoaching.net';
export const SECRET = 'doctor-test-secret-'.padEnd(48, 'k');
export const WEBHOOK_SECRET = `whsec_${Buffer.from('doctor-test-webhook-key-32-bytes').toString('base64')}`;

/** The flags of a real-looking project: `coursemail init --non-interactive …` with them. */
export const INIT_FLAGS = [
  '--sender-name',
  'Dr. Jane Rivera Coaching',
  '--sender-email',
  `jane@${DOMAIN}`,
  '--coach-name',
  'Jane Rivera',
  '--coach-credentials',
  'MD, PCC',
  '--postal-address',
  '200 Harbor Road, Suite 4, Portland, ME 04101, USA',
  '--public-url',
  `https://mail.${DOMAIN}`,
  '--site-url',
  `https://${DOMAIN}`,
  '--consultation-url',
  `https://${DOMAIN}/book`,
  '--test-address',
  `jane@${DOMAIN}`,
  '--transport',
  'resend',
];

const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** An empty folder under .tmp/, removed when the test file is done: a fresh clone before `init`. */
export function emptyProject(): string {
  mkdirSync(join(REPO, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(REPO, '.tmp', 'init-'));
  made.push(dir);
  return dir;
}

/** The environment of a ready launch against the fake Resend and the local DNS server. */
export function stubReadyEnv(resendUrl: string, dnsAddress: string): void {
  vi.stubEnv('COURSEMAIL_SECRET', SECRET);
  vi.stubEnv('RESEND_API_KEY', 're_doctor_good');
  vi.stubEnv('RESEND_BASE_URL', resendUrl);
  vi.stubEnv('RESEND_WEBHOOK_SECRET', WEBHOOK_SECRET);
  vi.stubEnv('COURSEMAIL_DNS_SERVER', dnsAddress);
  vi.stubEnv('DATABASE_URL', undefined);
  vi.stubEnv('SMTP_USER', undefined);
  vi.stubEnv('SMTP_PASS', undefined);
}

export interface DoctorRun {
  code: number;
  lines: string[];
  /** The line of the check named `name` (its text after the mark), and its mark. */
  line(name: string): string | undefined;
  failed(name: string): boolean;
  passed(name: string): boolean;
}

export async function doctor(root: string): Promise<DoctorRun> {
  const r = await runCli(['doctor', '--root', root]);
  const lines = `${r.out}\n${r.err}`.split('\n').filter((l) => /^[✓✗!] /.test(l));
  const line = (name: string) => lines.find((l) => l.slice(2).startsWith(`${name}:`));
  return { code: r.code, lines, line, failed: (n) => line(n)?.startsWith('✗') ?? false, passed: (n) => line(n)?.startsWith('✓') ?? false };
}
