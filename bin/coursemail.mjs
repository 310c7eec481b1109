#!/usr/bin/env node
// The CLI is written in TypeScript (and the templates in TSX); tsx compiles them on load
// so a fresh checkout runs without a build step.
//
// Except `worker`, the long-lived process that sends: it runs a bundle of its own narrow
// entry point with plain Node (see worker-bundle.mjs), in a worker thread whose heap is
// capped, so it stays small while sending hundreds of thousands of messages. A thread, not
// a child process: the pid that holds leases, takes signals and can be SIGKILLed or
// SIGSTOPped is the one that sends, exactly as before.
const argv = process.argv.slice(2);

if (argv[0] === 'worker' && !argv.includes('--help') && !argv.includes('-h')) {
  process.exitCode = await runWorker(argv.slice(1));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/cli/main.ts');
  process.exitCode = await main(argv);
}

/**
 * The worker thread's heap limits. Old space: the worker's live data is a batch or two and
 * the compiled catalog (a few MB), never a list of subscribers; the cap makes V8 collect
 * before it grows the heap, where by default it would let it grow to hundreds of MB.
 * COURSEMAIL_WORKER_HEAP_MB raises it (a very large catalog, say).
 */
function heapLimits() {
  const raw = process.env.COURSEMAIL_WORKER_HEAP_MB;
  const old = raw === undefined || raw === '' ? 48 : Number(raw);
  if (!Number.isInteger(old) || old < 16) throw new Error(`COURSEMAIL_WORKER_HEAP_MB must be a whole number of MB, at least 16, not "${raw}"`);
  // Young generation = 3 × the semi-space: 8 MB semi-spaces keep a batch's garbage young.
  return { maxOldGenerationSizeMb: old, maxYoungGenerationSizeMb: 24 };
}

async function runWorker(args) {
  let bundle;
  let resourceLimits;
  try {
    resourceLimits = heapLimits();
    bundle = await (await import('./worker-bundle.mjs')).workerBundle();
  } catch (err) {
    process.stderr.write(`coursemail: could not start the worker: ${err?.message ?? err}\n`);
    return 2;
  }
  const { Worker } = await import('node:worker_threads');
  const thread = new Worker(new URL(`file://${bundle.path}`), { argv: args, resourceLimits });
  // Signals arrive here; the thread's command stops gracefully on them. Once each, as the
  // command listens: a second Ctrl-C ends the process at once.
  const forward = (signal) => thread.postMessage({ signal });
  process.once('SIGINT', forward);
  process.once('SIGTERM', forward);
  let code;
  thread.on('message', (m) => {
    if (typeof m?.exitCode === 'number') code = m.exitCode;
  });
  thread.on('error', (err) => {
    code = 2;
    const heap = err?.code === 'ERR_WORKER_OUT_OF_MEMORY' ? ` (its heap is capped at ${resourceLimits.maxOldGenerationSizeMb} MB; COURSEMAIL_WORKER_HEAP_MB raises it)` : '';
    process.stderr.write(`coursemail: unexpected error in the worker${heap}: ${err?.stack ?? err}\n`);
  });
  const exitCode = await new Promise((done) => thread.once('exit', done));
  process.off('SIGINT', forward);
  process.off('SIGTERM', forward);
  return code ?? (exitCode === 0 ? 0 : 2);
}
