import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMain, printFigures, type Figure } from './report.ts';
import { k, MB, QUICK, runChild } from './support.ts';

const BIG = QUICK ? 10_000 : 100_000;
const SMALL = BIG / 10;
const ZONES = ['America/New_York', 'America/Chicago', 'Europe/London', '', 'Asia/Tokyo', 'Australia/Sydney'];

interface ImportRun {
  ms: number;
  rows: number;
  imported: number;
  duplicates: number;
  bad: number;
  baseRss: number;
  baseHeap: number;
  liveHeap: number;
  peakRss: number;
  peakHeap: number;
}

/**
 * `n` data rows, 1 % bad (half a bad address, half an unknown time zone) and 0.5 %
 * duplicates of the row before; a BOM, CRLF line ends, and quoted commas in one name in
 * seven. Returns the counts an import must report.
 */
async function writeCsv(file: string, n: number): Promise<{ bad: number; duplicates: number; imported: number }> {
  const out = createWriteStream(file);
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('\ufeffemail,first_name,timezone,consent\r\n');
  let bad = 0;
  let duplicates = 0;
  for (let i = 1; i <= n; i++) {
    let email = `user${i}@example.com`;
    let zone = ZONES[i % ZONES.length]!;
    if (i % 200 === 0) {
      email = `not-an-address-${i}`;
      bad++;
    } else if (i % 200 === 100) {
      zone = 'Mars/Olympus_Mons';
      bad++;
    } else if (i % 200 === 50) {
      email = `USER${i - 1}@Example.com`;
      duplicates++;
    }
    const name = i % 7 === 0 ? `"Reader, ${i}"` : `Reader${i}`;
    await write(`${email},${name},${zone},yes\r\n`);
  }
  out.end();
  await once(out, 'finish');
  return { bad, duplicates, imported: n - bad - duplicates };
}

async function importOnce(dir: string, csv: string, how: 'stream' | 'slurp'): Promise<ImportRun> {
  const db = join(dir, `${how}-${Math.random().toString(36).slice(2)}.sqlite`);
  return runChild<ImportRun>(['import', `sqlite:${db}`, csv, how]).result;
}

/**
 * Issue #6: `subscribers import` of a 100k-row CSV (1 % bad) — its time, and whether its
 * memory stays flat: the importing process's live heap (after a full GC every 10 batches)
 * and peak RSS at 100k beside the same at 10k, each import in a fresh process and SQLite
 * database. Beside it, the slow way: the whole file read and parsed into memory, then
 * imported in the same batches.
 */
export async function benchImport(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'coursemail-bench-import-'));
  try {
    const bigCsv = join(dir, 'big.csv');
    const smallCsv = join(dir, 'small.csv');
    const expected = await writeCsv(bigCsv, BIG);
    await writeCsv(smallCsv, SMALL);
    const small = await importOnce(dir, smallCsv, 'stream');
    const big = await importOnce(dir, bigCsv, 'stream');
    const slurpSmall = await importOnce(dir, smallCsv, 'slurp');
    const slurpBig = await importOnce(dir, bigCsv, 'slurp');
    if (big.imported !== expected.imported || big.bad !== expected.bad || big.duplicates !== expected.duplicates) {
      throw new Error(`import counts ${JSON.stringify(big)} differ from the file's ${JSON.stringify(expected)}`);
    }
    const growth = (r: ImportRun) => (r.liveHeap - r.baseHeap) / MB;
    const rssGrowth = (big.peakRss - small.peakRss) / MB;
    const heapGrowth = growth(big) - growth(small);
    return [
      {
        issue: 6,
        name: `CSV import of ${k(BIG)} rows (1 % bad, 0.5 % duplicates, BOM, CRLF, quoted commas; SQLite; exact counts checked): ${(big.ms / 1000).toFixed(1)} s`,
        value: BIG / (big.ms / 1000),
        unit: 'rows/s',
        slow: { name: 'the whole file read and parsed in memory, then the same batches', value: BIG / (slurpBig.ms / 1000) },
        ratio: slurpBig.ms / big.ms,
      },
      {
        issue: 6,
        name: `import memory: growth of the live heap (after a full GC) from ${k(SMALL)} to ${k(BIG)} rows (${growth(small).toFixed(1)} → ${growth(big).toFixed(1)} MB over the process's start)`,
        value: heapGrowth,
        unit: 'MB',
        slow: {
          name: `whole file in memory: ${growth(slurpSmall).toFixed(1)} → ${growth(slurpBig).toFixed(1)} MB`,
          value: growth(slurpBig) - growth(slurpSmall),
        },
        target: `flat: < 5 MB more at ${k(BIG)} than at ${k(SMALL)}`,
        met: heapGrowth < 5,
      },
      {
        issue: 6,
        name: `import memory: peak RSS at ${k(BIG)} minus at ${k(SMALL)} rows (${(small.peakRss / MB).toFixed(0)} → ${(big.peakRss / MB).toFixed(0)} MB)`,
        value: rssGrowth,
        unit: 'MB',
        slow: {
          name: `whole file in memory: ${(slurpSmall.peakRss / MB).toFixed(0)} → ${(slurpBig.peakRss / MB).toFixed(0)} MB`,
          value: (slurpBig.peakRss - slurpSmall.peakRss) / MB,
        },
        target: `flat: < 20 MB more at ${k(BIG)} than at ${k(SMALL)}`,
        met: rssGrowth < 20,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) printFigures(await benchImport());
