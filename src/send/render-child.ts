/**
 * A short-lived process that renders for the worker, so the worker itself never loads the
 * renderers (React Email, MJML, Markdown, html-to-text: ~40 MB it would carry for its whole
 * life). Run by render-process.ts through tsx:
 *   catalog ROOT [SERIES…]   every series (or these) built → CatalogData
 *   broadcast ROOT SLUG      broadcasts/SLUG.md rendered and guarded → RenderedBroadcast
 * Prints one JSON line last: `{ ok: true, data }`, or `{ ok: false, error }` with the
 * problems, and exits 1. The broadcast stage is imported only here, by the process entry
 * point, not by the send stage's modules.
 */
import { loadProject } from '../build/index.ts';
import { CoursemailError } from '../shared/index.ts';
import { catalogData } from './catalog.ts';
import type { ChildReply } from './render-process.ts';

async function run(mode: string | undefined, root: string | undefined, rest: string[]): Promise<unknown> {
  if (!root) throw new Error('usage: render-child.ts catalog|broadcast ROOT …');
  const project = await loadProject(root);
  if (mode === 'catalog') return catalogData(project, rest.length ? rest : undefined);
  if (mode === 'broadcast' && rest[0]) {
    const { renderBroadcast } = await import('../broadcast/draft.ts');
    return renderBroadcast(project, rest[0]);
  }
  throw new Error(`render-child.ts: unknown mode ${mode}`);
}

const [mode, root, ...rest] = process.argv.slice(2);
let reply: ChildReply;
try {
  reply = { ok: true, data: await run(mode, root, rest) };
} catch (err) {
  reply =
    err instanceof CoursemailError
      ? { ok: false, error: { code: err.code, message: err.message, problems: err.problems } }
      : { ok: false, error: { message: `rendering failed: ${(err as Error)?.stack ?? String(err)}`, problems: [] } };
}
process.stdout.write(`\n${JSON.stringify(reply)}\n`, () => process.exit(reply.ok ? 0 : 1));
