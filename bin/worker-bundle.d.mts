/** The worker bundle for the current sources (see worker-bundle.mjs). */
export interface WorkerBundle {
  /** Absolute path of the bundle to run. */
  path: string;
  /** Hash of its inputs: changes when any of them does. */
  key: string;
  /** True if this call built it (the cache was missing or stale). */
  built: boolean;
}
export function workerBundle(opts?: { root?: string; cacheDir?: string }): Promise<WorkerBundle>;
/** The cache key for these input paths (relative to the package root). */
export function bundleKey(inputs: string[], root?: string): string;
