import { describe, expect, it } from 'vitest';
import { registry } from '../../src/cli/commands/index.ts';
import { runCli } from '../support/project.ts';

const io = { out: () => {}, err: () => {} };

describe('the command registry', () => {
  it('every entry loads its command, and the listed description is the command’s own', async () => {
    for (const [name, entry] of Object.entries(registry)) {
      const loaded = await entry.load();
      const cmd = typeof loaded === 'function' ? loaded(io) : loaded;
      const meta = (await cmd.meta) as { name?: string; description?: string };
      expect(meta.name, name).toBe(name);
      expect(meta.description, name).toBe(entry.description);
    }
  });
  it('`--help` lists every command, `new` among them; an unknown command is named', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const name of Object.keys(registry)) expect(help.out).toContain(`  ${name}`);
    const bad = await runCli(['__proto__']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('unknown command "__proto__"');
  });
  it('help for a sub-command shows that sub-command’s options, not its parent’s', async () => {
    const r = await runCli(['subscribers', 'list', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('--status');
    const parent = await runCli(['subscribers', '--help']);
    expect(parent.out).toContain('import');
    expect(parent.out).not.toContain('--status');
  });
});
