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

/** `--concurrency N` as the command will read it (it validates; this only sizes the heap). */
function loopsOf(args) {
  const i = args.findIndex((a) => a === '--concurrency' || a.startsWith('--concurrency='));
  const n = i === -1 ? 1 : Number(args[i].includes('=') ? args[i].split('=')[1] : args[i + 1]);
  return Number.isInteger(n) && n >= 1 && n <= 64 ? n : 1;
}

/**
 * The worker thread's heap limits. Its live heap is ~16 MB of code and catalog plus what
 * each claim-and-send loop holds in flight (a batch, its request body: ~4 MB with 10 KB
 * messages), never a list of subscribers. Old space is capped at 64 MB + 8 MB per loop, so
 * V8 collects before it grows the heap, where by default it lets it reach ~250 MB. Measured
 * (100k drip, 2 loops): a 48 MB cap peaks a few MB lower but sends ~20 % slower, collecting
 * all the time with the live heap past half the cap; 80 MB costs no throughput. The worker
 * checks at start that its largest message fits (worker.ts) and says how much to give it
 * otherwise; COURSEMAIL_WORKER_HEAP_MB sets the cap. Young generation 12 MB (4 MB
 * semi-spaces): a batch's garbage dies young either way, and a small nursery is fewer pages.
 */
function heapLimits(args) {
  const raw = process.env.COURSEMAIL_WORKER_HEAP_MB;
  const old = raw === undefined || raw === '' ? 64 + 8 * loopsOf(args) : Number(raw);
  if (!Number.isInteger(old) || old < 32) throw new Error(`COURSEMAIL_WORKER_HEAP_MB must be a whole number of MB, at least 32, not "${raw}"`);
  return { maxOldGenerationSizeMb: old, maxYoungGenerationSizeMb: 12 };
}

async function runWorker(args) {
  let bundle;
  let resourceLimits;
  try {
    resourceLimits = heapLimits(args);
    bundle = await (await import('./worker-bundle.mjs')).workerBundle();
  } catch (err) {
    process.stderr.write(`coursemail: could not start the worker: ${err?.message ?? err}\n`);
    return 2;
  }
  const { Worker } = await import('node:worker_threads');
  // Undici's HTTP parser is WebAssembly. By default V8 also compiles it with its optimizing
  // tier, in ~30 MB of scratch memory, part of which the allocator keeps for the life of the
  // process (measured: V8's malloc peak 32 → 4 MB, and a malloc arena of ~9 MB gone). The baseline
  // compiler alone parses the provider's short answers just as fast. Set before the thread
  // starts, as the thread's isolate reads it when it compiles the module. Worker peak RSS,
  // 50k drip, alternating runs: 175–181 MB with both tiers, 169–173 MB with this.
  (await import('node:v8')).setFlagsFromString('--liftoff-only');
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
