import { defineCommand } from 'citty';
import { resolve } from 'node:path';
import { buildSeries, loadProject, OUTPUT_DIR, projectClaims, writeSeriesOutput } from '../../build/index.ts';
import { listSeries } from '../../content/index.ts';
import { formatClaim } from '../../lint/index.ts';
import { CoursemailError, type Problem } from '../../shared/index.ts';
import type { Engine } from '../../render/render-message.ts';
import { printProblems, printWarnings, type CliIO } from '../output.ts';
import { rootArg } from './args.ts';

export interface BuildOptions {
  root: string;
  series?: string;
  out?: string;
  engine?: Engine;
  /** `check` validates everything and writes nothing. */
  write: boolean;
}

/** `build` and `check`: compile every series (or one), refuse output if any message has a problem. */
export async function runBuild(opts: BuildOptions, io: CliIO): Promise<number> {
  const root = resolve(opts.root);
  const project = await loadProject(root);
  const ids = opts.series ? [opts.series] : listSeries(root);
  if (ids.length === 0) throw new CoursemailError('series.none', `No series found under ${resolve(root, 'series')} (each needs a series.yaml).`);
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const built = [];
  for (const id of ids) {
    const result = await buildSeries(project, id, { engine: opts.engine });
    problems.push(...result.problems);
    warnings.push(...(result.warnings ?? []));
    if (result.built) built.push(result.built);
  }
  printWarnings(io, warnings);
  if (!opts.write) printClaims(io, root, project.config, ids, !opts.series);
  if (problems.length) {
    printProblems(io, problems, opts.write ? 'Build refused: nothing was written' : 'Check failed');
    return 1;
  }
  const outDir = resolve(root, opts.out ?? OUTPUT_DIR);
  for (const b of built) {
    if (opts.write) {
      const { dir, manifest } = writeSeriesOutput(b, outDir);
      io.out(`${b.course.id}: ${manifest.steps.length} lessons → ${dir}`);
      for (const s of manifest.steps) io.out(`  ${String(s.step).padStart(2)}. day ${s.day.padEnd(6)} ${s.subject}  (${(s.htmlBytes / 1024).toFixed(1)} KB)`);
    } else {
      io.out(`${b.course.id}: ${b.steps.length} lessons + confirmation, every message passes the compliance guard`);
    }
  }
  return 0;
}

/** The claims lint: warnings only, so `check` still passes; claim-ok sentences are counted, not listed. */
function printClaims(io: CliIO, root: string, config: Parameters<typeof projectClaims>[1], ids: string[], broadcasts: boolean): void {
  const { findings, problems } = projectClaims(root, config, ids, { broadcasts });
  const open = findings.filter((f) => !f.accepted);
  for (const p of problems) io.out(`warning: ${p}`);
  if (open.length) {
    io.out(`Claims to check (${open.length} warning${open.length === 1 ? '' : 's'}; mark one intended with <!-- claim-ok: why -->):`);
    for (const f of open) io.out(`  ! ${formatClaim(f)}`);
  }
  const accepted = findings.length - open.length;
  if (accepted) io.out(`${accepted} claim${accepted === 1 ? '' : 's'} marked claim-ok`);
}

export const buildCommand = (io: CliIO) =>
  defineCommand({
    meta: { name: 'build', description: 'compile series into previews/<id>/NN-slug.{html,txt} and manifest.json' },
    args: {
      ...rootArg,
      series: { type: 'string', description: 'only this series id' },
      out: { type: 'string', description: 'output directory (default previews/)' },
      engine: { type: 'string', description: 'override the series engine: react | mjml' },
    },
    run: async ({ args }) => {
      const engine = args.engine as Engine | undefined;
      if (engine && engine !== 'react' && engine !== 'mjml') throw new CoursemailError('args', '--engine must be react or mjml');
      return runBuild({ root: args.root, series: args.series, out: args.out, engine, write: true }, io);
    },
  });
