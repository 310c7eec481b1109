/** One line of `coursemail doctor`: what was checked, and the fix when it is not ready. */
export interface CheckResult {
  /** Short name shown first, e.g. `DNS: DMARC`. */
  name: string;
  /** warn: works, but not as it should (Node 20); does not fail the run. */
  status: 'ok' | 'fail' | 'warn';
  /** For ok: what was found; otherwise: the fix, in one sentence. */
  message: string;
}

export const ok = (name: string, message: string): CheckResult => ({ name, status: 'ok', message });
export const fail = (name: string, message: string): CheckResult => ({ name, status: 'fail', message });
export const warn = (name: string, message: string): CheckResult => ({ name, status: 'warn', message });
