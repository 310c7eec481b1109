import { fail, ok, warn, type CheckResult } from './check.ts';

/** The Node LTS lines coursemail is tested on. Node 20 reached end of life in April 2026. */
const SUPPORTED_NODE = [22, 24];

export function nodeCheck(version: string): CheckResult {
  const major = Number(/^v?(\d+)/.exec(version)?.[1]);
  const name = 'Node.js';
  if (SUPPORTED_NODE.includes(major)) return ok(name, `${version} is a supported LTS line`);
  if (major === 20) return warn(name, `${version} works but is unsupported (end of life since April 2026): install Node 22 or 24.`);
  if (major > 24 && major % 2 === 0) return warn(name, `${version} is newer than coursemail is tested on: Node 22 or 24 are the supported lines.`);
  return fail(name, `${version} is not a supported line: install Node 22 or 24 (LTS).`);
}
