/**
 * The `coursemail worker` process's entry point. bin/coursemail.mjs bundles it with esbuild
 * (bin/worker-bundle.mjs) and runs the bundle in a worker thread with a capped heap, with
 * plain Node: no tsx and no renderers, so the process that sends stays small. Its imports
 * are the narrow modules the worker needs, never main.ts or an index that reaches the
 * build or render stages; the bundler refuses those (see worker-bundle.mjs).
 *
 * argv: the worker command's own arguments (without `worker`).
 */
import { runCommand } from 'citty';
import { parentPort, workerData } from 'node:worker_threads';
import { HeapTooSmall, workerCommand } from './commands/worker.ts';
import { processIO, reportError } from './output.ts';

// Signals reach the main thread only; it forwards SIGINT/SIGTERM here, where the command
// listens for them as it would in a process of its own. Unref'd: the port alone does not
// keep the thread alive once the command is done.
parentPort?.on('message', (m: { signal?: NodeJS.Signals }) => {
  if (m.signal === 'SIGINT' || m.signal === 'SIGTERM') process.emit(m.signal, m.signal);
});
parentPort?.unref();

let code: number;
try {
  const { result } = await runCommand(workerCommand(processIO), { rawArgs: process.argv.slice(2) });
  code = typeof result === 'number' ? result : 0;
} catch (err) {
  // The cap was the launcher's default, not the operator's: it starts this thread again
  // with the heap asked for. Nothing was claimed yet (the check runs before the first pass).
  if (err instanceof HeapTooSmall && parentPort && (workerData as { heapCapIsDefault?: boolean } | undefined)?.heapCapIsDefault) {
    parentPort.postMessage({ restartWithHeapMb: err.needMb });
    code = 0;
  } else code = reportError(processIO, err);
}
// A thread's exit code is its own; the main thread makes it the process's.
if (parentPort) parentPort.postMessage({ exitCode: code });
else process.exitCode = code;
