import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatOffset } from '../course/index.ts';
import type { BuiltSeries } from './build-series.ts';

/** Where `coursemail build` writes, under the project root; the worker reads its catalog here. */
export const OUTPUT_DIR = 'previews';

export interface ManifestStep {
  step: number;
  slug: string;
  subject: string;
  preheader: string;
  delay: string;
  delayMinutes: number;
  day: string;
  offsetMinutes: number;
  html: string;
  text: string;
  htmlBytes: number;
}

export interface Manifest {
  series: string;
  /** What it was built from (`sourcesHash`): the worker sends from this output only while the sources still hash to it. */
  sources: string;
  sender: { name: string; email: string };
  title: string;
  engine: string;
  sendWindow: BuiltSeries['course']['sendWindow'];
  timezone: string;
  steps: ManifestStep[];
  confirm: { subject: string; html: string; text: string; htmlBytes: number };
}

function manifestFor(built: BuiltSeries): Manifest {
  const { course } = built;
  return {
    series: course.id,
    sources: built.sources,
    sender: { name: built.confirm.message.senderName, email: built.confirm.message.senderEmail },
    title: course.title,
    engine: built.engine,
    sendWindow: course.sendWindow,
    timezone: course.timezone,
    steps: built.steps.map(({ step, message }) => {
      const base = `${String(step.step).padStart(2, '0')}-${step.slug}`;
      return {
        step: step.step,
        slug: step.slug,
        subject: message.subject,
        preheader: step.preheader,
        delay: step.delay.raw,
        delayMinutes: step.delay.minutes,
        day: formatOffset(step.offsetMinutes),
        offsetMinutes: step.offsetMinutes,
        html: `${base}.html`,
        text: `${base}.txt`,
        htmlBytes: message.htmlBytes,
      };
    }),
    confirm: { subject: built.confirm.message.subject, html: 'confirm.html', text: 'confirm.txt', htmlBytes: built.confirm.message.htmlBytes },
  };
}

/**
 * Writes `<out>/<series>/` into a sibling temp folder and swaps it in, so a reader (the
 * worker, the preview) never sees half a build.
 */
export function writeSeriesOutput(built: BuiltSeries, outDir: string): { dir: string; manifest: Manifest } {
  const manifest = manifestFor(built);
  const dir = join(outDir, built.course.id);
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  built.steps.forEach(({ message }, i) => {
    const entry = manifest.steps[i]!;
    writeFileSync(join(tmp, entry.html), message.html);
    writeFileSync(join(tmp, entry.text), message.text);
  });
  writeFileSync(join(tmp, 'confirm.html'), built.confirm.message.html);
  writeFileSync(join(tmp, 'confirm.txt'), built.confirm.message.text);
  writeFileSync(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return { dir, manifest };
}
