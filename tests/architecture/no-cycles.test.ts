import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cycles, importGraph, SRC, stageOf } from './import-graph.ts';

/** A stage folder, except that server's sub-folders (public, preview, admin…) and its loose files count apart. */
function stageOrServerPart(file: string): string {
  const parts = relative(SRC, file).split(/[\\/]/);
  return parts[0] === 'server' ? `server/${parts[1]}` : stageOf(file);
}

describe('no import cycles in src/', () => {
  it('between files', () => {
    const graph = importGraph((f) => relative(SRC, f));
    expect(graph.size).toBeGreaterThan(100);
    expect(cycles(graph)).toEqual([]);
  });
  it('between stages, and between the parts of the server', () => {
    const graph = importGraph(stageOrServerPart);
    expect(graph.get('send')?.has('store')).toBe(true);
    expect(cycles(graph)).toEqual([]);
  });
  it('finds a cycle when there is one', () => {
    const graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
      ['d', new Set(['a'])],
    ]);
    expect(cycles(graph)).toEqual([['a', 'b', 'c']]);
  });
});
