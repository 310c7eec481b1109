import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/project.ts';
import { importsOf, sourceFiles, SRC, stageOf } from './import-graph.ts';

/** ARCHITECTURE.md's dependency rule: imports point inward, toward the pure stages. */
const FORBIDDEN: Record<string, string[]> = {
  content: ['store', 'deliver', 'server', 'cli', 'send', 'build', 'broadcast', 'render'],
  render: ['store', 'deliver', 'server', 'cli', 'send', 'build', 'broadcast', 'content', 'personalize'],
  personalize: ['store', 'deliver', 'server', 'cli', 'send', 'build', 'broadcast', 'content', 'render'],
  schedule: ['store', 'deliver', 'server', 'cli', 'send', 'build', 'broadcast'],
  build: ['store', 'deliver', 'server', 'cli', 'send', 'broadcast'],
  store: ['deliver', 'server', 'cli', 'send'],
  // deliver implements the Transport that send declares; send never reaches for a transport.
  deliver: ['store', 'server', 'cli'],
  send: ['server', 'cli', 'deliver', 'broadcast'],
  server: ['cli'],
  draft: ['store', 'deliver', 'server', 'cli', 'send', 'build', 'broadcast'],
  lint: ['store', 'deliver', 'server', 'cli', 'send', 'build', 'broadcast'],
  tokens: ['store', 'deliver', 'server', 'cli', 'send', 'build', 'broadcast'],
  status: ['deliver', 'server', 'cli', 'send', 'build', 'broadcast'],
  subscribers: ['deliver', 'server', 'cli', 'send', 'broadcast'],
  // The sign-up's rules (intent, cooldown) are domain: they declare a store port and import no layer.
  signup: ['store', 'deliver', 'server', 'cli', 'send', 'build', 'broadcast'],
  broadcast: ['server', 'cli'],
};

/** `course` is the innermost stage: lessons in order, delays, message kinds. It imports only `shared`. */
const ONLY: Record<string, string[]> = { course: ['shared'] };

/** Within server/: each part imports shared helpers (server/*.ts), never a sibling it does not mount. */
const SERVER_FORBIDDEN: Record<string, string[]> = {
  public: ['preview', 'admin', 'dev', 'webhooks'],
  webhooks: ['preview', 'admin', 'dev', 'public'],
  preview: ['public', 'admin', 'dev', 'webhooks'],
  admin: ['dev', 'webhooks'],
};

/** `server/<part>` for a file in a sub-folder of server/, else undefined. */
function serverPart(file: string): string | undefined {
  const parts = relative(SRC, file).split(/[\\/]/);
  return parts[0] === 'server' && parts.length > 2 ? parts[1] : undefined;
}

describe('the dependency rule', () => {
  const all = sourceFiles();
  it('finds the source files', () => {
    expect(all.length).toBeGreaterThan(10);
  });
  it('no stage imports a layer outside it', () => {
    const violations: string[] = [];
    for (const file of all) {
      const from = stageOf(file);
      for (const target of importsOf(file)) {
        const to = stageOf(target);
        if (to === from) continue;
        if (FORBIDDEN[from]?.includes(to) || (ONLY[from] && !ONLY[from].includes(to)))
          violations.push(`${relative(REPO, file)} imports ${relative(REPO, target)} (${from} → ${to})`);
      }
    }
    expect(violations).toEqual([]);
  });
  it('the parts of the server import shared helpers, not each other (public never imports the preview)', () => {
    const violations: string[] = [];
    for (const file of all) {
      const from = serverPart(file);
      for (const target of from ? importsOf(file) : []) {
        const to = serverPart(target);
        if (to && to !== from && SERVER_FORBIDDEN[from!]?.includes(to))
          violations.push(`${relative(REPO, file)} imports ${relative(REPO, target)} (server/${from} → server/${to})`);
      }
    }
    expect(violations).toEqual([]);
  });
  it('nothing imports the CLI', () => {
    const offenders = all.filter((f) => stageOf(f) !== 'cli' && importsOf(f).some((t) => stageOf(t) === 'cli'));
    expect(offenders.map((f) => relative(REPO, f))).toEqual([]);
  });
});
