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
 * messages), never a list of subscribers. Old space is capped at 44 MB + 4 MB per loop, so
 * V8 collects before it grows the heap, where by default it lets it reach ~250 MB. Measured
 * (100k drip, 2 loops, alternating runs, with the worker's 2 MB SQLite cache; worker peak RSS
 * and rate): 80 MB, 154–160 MB; 56 MB, 149–154 MB at about the same rate; 52 MB (this
 * default), 145–147 MB and 5–15 % slower; 48 MB, 141–144 MB and ~20 % slower, collecting all
 * the time with the live heap past half the cap. A 16 MB young generation peaked higher, an
 * 8 MB one no lower. The worker checks at start that its largest message fits (worker.ts);
 * when the cap is this default and too small, it asks for more and runs again (below).
 * COURSEMAIL_WORKER_HEAP_MB sets the cap, and is then never raised. Young generation 12 MB
 * (4 MB semi-spaces): a batch's garbage dies young either way.
 */
function heapLimits(args) {
  const raw = process.env.COURSEMAIL_WORKER_HEAP_MB;
  const isDefault = raw === undefined || raw === '';
  const old = isDefault ? 44 + 4 * loopsOf(args) : Number(raw);
  if (!Number.isInteger(old) || old < 32) throw new Error(`COURSEMAIL_WORKER_HEAP_MB must be a whole number of MB, at least 32, not "${raw}"`);
  return { limits: { maxOldGenerationSizeMb: old, maxYoungGenerationSizeMb: 12 }, isDefault };
}

async function runWorker(args) {
  let bundle;
  let heap;
  try {
    heap = heapLimits(args);
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
  let thread;
  // Signals arrive here; the thread's command stops gracefully on them. Once each, as the
  // command listens: a second Ctrl-C ends the process at once.
  let signalled = false;
  const forward = (signal) => {
    signalled = true;
    thread.postMessage({ signal });
  };
  process.once('SIGINT', forward);
  process.once('SIGTERM', forward);
  let resourceLimits = heap.limits;
  let code;
  for (let start = 1; ; start++) {
    let restartWithHeapMb;
    code = undefined;
    thread = new Worker(new URL(`file://${bundle.path}`), { argv: args, resourceLimits, workerData: { heapCapIsDefault: heap.isDefault && start === 1 } });
    thread.on('message', (m) => {
      if (typeof m?.exitCode === 'number') code = m.exitCode;
      if (typeof m?.restartWithHeapMb === 'number') restartWithHeapMb = m.restartWithHeapMb;
    });
    thread.on('error', (err) => {
      code = 2;
      const cap = err?.code === 'ERR_WORKER_OUT_OF_MEMORY' ? ` (its heap is capped at ${resourceLimits.maxOldGenerationSizeMb} MB; COURSEMAIL_WORKER_HEAP_MB raises it)` : '';
      process.stderr.write(`coursemail: unexpected error in the worker${cap}: ${err?.stack ?? err}\n`);
    });
    const exitCode = await new Promise((done) => thread.once('exit', done));
    // The default cap was too small for this course's largest messages: once more, with the
    // heap the thread asked for. It checked before claiming anything, so nothing is in flight.
    if (restartWithHeapMb !== undefined && start === 1 && !signalled) {
      process.stdout.write(`heap: the largest messages to send (lessons and broadcasts in flight) need about ${restartWithHeapMb} MB of heap; starting again with that (COURSEMAIL_WORKER_HEAP_MB sets it)\n`);
      resourceLimits = { ...resourceLimits, maxOldGenerationSizeMb: restartWithHeapMb };
      continue;
    }
    code ??= exitCode === 0 ? 0 : 2;
    break;
  }
  process.off('SIGINT', forward);
  process.off('SIGTERM', forward);
  return code;
}
