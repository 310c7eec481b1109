import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { workerId } from '../../src/send/index.ts';

describe('workerId', () => {
  it('names the host and process, and differs between two runs of one process', () => {
    const [a, b] = [workerId(), workerId('dev-')];
    expect(a.startsWith(`${hostname()}:${process.pid}:`)).toBe(true);
    expect(b).toMatch(new RegExp(`^${hostname().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${process.pid}:dev-[0-9a-f]{8}$`));
    expect(workerId()).not.toBe(a);
  });
});
