import { StopRunError, type Worker } from '../../send/index.ts';
import type { Store } from '../../store/index.ts';

export interface WorkerLoopOptions {
  /**
   * Asked before every pass that may send (the project may not load at start): the same
   * Worker each time, or a new one when what it sends through has changed.
   */
  worker: () => Worker;
  store: Pick<Store, 'deliveries'>;
  owner: string;
  /** Pause between passes when nothing is due and nobody kicked. */
  idleMs: number;
  /** Why no pass may run now; the loop waits (and says so once) until it is undefined. */
  notReady: () => string | undefined;
  log: (line: string) => void;
}

/**
 * The worker of `coursemail dev`, in the server's process. It never exits on an error, so the preview stays up and the next pass retries;
 * `kick()` ends its idle pause so a confirmation or a send started from the preview goes out at once.
 */
export class WorkerLoop {
  private stopping = false;
  private kicked = false;
  private wake?: () => void;
  private done?: Promise<void>;
  private worker?: Worker;
  private why?: string;

  constructor(private readonly o: WorkerLoopOptions) {}

  start(): void {
    // The first pass waits a turn of the event loop: what it prints follows the start-up lines.
    this.done ??= new Promise((resolve) => setImmediate(resolve)).then(() => this.loop());
  }

  /** Why this worker is not sending now (held back, or stopped by the provider); undefined while it can send. */
  problem(): string | undefined {
    return this.why;
  }

  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  /** Finishes the batch in flight, gives back this owner's leases, and resolves. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.worker?.stop();
    this.wake?.();
    await this.done;
  }

  private async loop(): Promise<void> {
    let said: string | undefined;
    try {
      while (!this.stopping) {
        this.kicked = false;
        const blocked = this.o.notReady();
        this.why = blocked;
        if (blocked !== said) {
          this.o.log(blocked ? `worker: not sending: ${blocked}` : 'worker: ready to send');
          said = blocked;
        }
        if (!blocked) {
          try {
            this.worker = this.o.worker();
            // A pass that sent something may have made the next step due: go round again.
            if ((await this.worker.runOnce()).batches > 0) continue;
          } catch (err) {
            if (err instanceof StopRunError) {
              this.why = `stopped by the provider: ${err.message} Restart coursemail dev to send again.`;
              this.o.log(`worker: stopped by the provider: ${err.message} The rest stays queued; restart coursemail dev to send again.`);
              return;
            }
            this.o.log(`worker: a pass failed (${(err as Error).message ?? err}); trying again in ${Math.round(this.o.idleMs / 1000)} s`);
          }
        }
        await this.pause();
      }
    } finally {
      await this.o.store.deliveries.releaseLeases(this.o.owner).catch(() => undefined);
    }
  }

  private pause(): Promise<void> {
    if (this.kicked || this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.o.idleMs);
      this.wake = done;
    });
  }
}
