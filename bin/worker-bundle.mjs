// The `coursemail worker` process runs an esbuild bundle of src/cli/worker-main.ts with
// plain Node instead of compiling TypeScript through tsx on load: tsx's loader thread and
// the source it keeps cost ~35 MB for the whole life of a process that only sends.
//
// The bundle is made on demand and cached in node_modules/.cache/coursemail/, keyed by a
// hash of everything it was built from (each input file's bytes, this file, esbuild's
// version), so an edit under src/ is picked up by the next start and an unchanged tree
// starts without loading esbuild. Packages stay external: Node loads them from
// node_modules as usual.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PKG = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = 'src/cli/worker-main.ts';

/**
 * What the worker must never load: the renderers (and tsx). A change that pulls one of
 * them into the worker's import graph fails the bundle, naming the path that brought it in,
 * instead of silently costing the sending process tens of MB.
 */
const FORBIDDEN_PACKAGES = /^(react|react-dom|@react-email\/.+|mjml(-.+)?|html-to-text|marked|prismjs|tsx)(\/.*)?$/;
const FORBIDDEN_SOURCES = /^(src\/build\/|emails\/)/;

function defaultCacheDir(root) {
  const dir = join(root, 'node_modules/.cache/coursemail');
  try {
    mkdirSync(dir, { recursive: true });
    return dir;
  } catch {
    // A read-only install: a directory of this user's, per package path.
    const fallback = join(tmpdir(), `coursemail-${createHash('sha256').update(root).digest('hex').slice(0, 12)}`);
    mkdirSync(fallback, { recursive: true });
    return fallback;
  }
}

function esbuildVersion() {
  try {
    return JSON.parse(readFileSync(join(PKG, 'node_modules/esbuild/package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

/** The cache key: the inputs' paths and bytes, this bundler's own source, esbuild's version. */
export function bundleKey(inputs, root = PKG) {
  const h = createHash('sha256');
  h.update(readFileSync(fileURLToPath(import.meta.url)));
  h.update(`\0esbuild ${esbuildVersion()}\0`);
  for (const file of inputs) {
    h.update(`${file}\0`);
    try {
      h.update(readFileSync(join(root, file)));
    } catch {
      h.update('\0missing\0');
    }
  }
  return h.digest('hex').slice(0, 20);
}

/** Writes through a temporary name: several workers may start at once and race here. */
function writeAtomic(path, data) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

function readManifest(dir) {
  try {
    return JSON.parse(readFileSync(join(dir, 'worker.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Who imports `target` (an esbuild metafile path), back to the entry: for the refusal message. */
function importChain(metafile, target) {
  const chain = [target];
  const seen = new Set(chain);
  for (let at = target; at !== ENTRY; ) {
    const parent = Object.entries(metafile.inputs).find(([file, input]) => !seen.has(file) && input.imports.some((i) => i.path === at))?.[0];
    if (!parent) break;
    chain.unshift(parent);
    seen.add(parent);
    at = parent;
  }
  return chain.join(' → ');
}

async function build(root, dir) {
  const esbuild = await import('esbuild');
  try {
    const result = await esbuild.build({
      absWorkingDir: root,
      entryPoints: [ENTRY],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      metafile: true,
      write: false,
      outfile: join(dir, 'worker.mjs'),
      sourcemap: 'linked',
      logLevel: 'silent',
    });
    const { metafile } = result;
    const bad = [];
    for (const [file, input] of Object.entries(metafile.inputs)) {
      if (FORBIDDEN_SOURCES.test(file)) bad.push(importChain(metafile, file));
      for (const i of input.imports) if (i.external && FORBIDDEN_PACKAGES.test(i.path)) bad.push(`${importChain(metafile, file)} → ${i.path}`);
    }
    if (bad.length) {
      throw new Error(`the worker must not load the renderers, but its imports reach them:\n${[...new Set(bad)].map((b) => `  ${b}`).join('\n')}`);
    }
    const inputs = Object.keys(metafile.inputs).sort();
    const key = bundleKey(inputs, root);
    const name = `worker-${key}.mjs`;
    const js = result.outputFiles.find((f) => f.path.endsWith('.mjs'));
    const map = result.outputFiles.find((f) => f.path.endsWith('.map'));
    writeAtomic(join(dir, `${name}.map`), map.contents);
    writeAtomic(join(dir, name), js.text.replace(/\/\/# sourceMappingURL=worker\.mjs\.map\s*$/, `//# sourceMappingURL=${name}.map\n`));
    writeAtomic(join(dir, 'worker.json'), `${JSON.stringify({ key, bundle: name, inputs }, null, 1)}\n`);
    // Old bundles: a process that started from one has long since loaded it.
    for (const f of readdirSync(dir)) {
      if (f.startsWith('worker-') && !f.startsWith(name)) {
        const path = join(dir, f);
        if (Date.now() - statSync(path).mtimeMs > 3600_000) rmSync(path, { force: true });
      }
    }
    return { path: join(dir, name), key, built: true };
  } finally {
    await esbuild.stop();
  }
}

/**
 * The worker bundle for the current sources: the cached one if its inputs are unchanged,
 * else a fresh build. `{ path, key, built }`. `root` and `cacheDir` are for tests (a copy
 * of src/ to edit).
 */
export async function workerBundle({ root = PKG, cacheDir } = {}) {
  const dir = cacheDir ?? defaultCacheDir(root);
  mkdirSync(dir, { recursive: true });
  const cached = readManifest(dir);
  if (cached?.bundle && Array.isArray(cached.inputs)) {
    try {
      statSync(join(dir, cached.bundle));
      if (bundleKey(cached.inputs, root) === cached.key) return { path: join(dir, cached.bundle), key: cached.key, built: false };
    } catch {
      // The bundle file is gone: build it again.
    }
  }
  return build(root, dir);
}
