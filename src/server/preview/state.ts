import { randomBytes } from 'node:crypto';
import { loadProject, type BuiltSeries, type Project } from '../../build/index.ts';
import { linkResolver, loadConfig } from '../../config/index.ts';
import { listSeries } from '../../content/index.ts';
import { emailsDir } from '../../render/templates.ts';
import { CoursemailError, type Problem } from '../../shared/index.ts';
import { buildBroadcasts, type BroadcastView } from './broadcasts.ts';
import { rebuildSeries } from './incremental.ts';

export interface SeriesView {
  id: string;
  built?: BuiltSeries;
  problems: Problem[];
}

/** What changed on disk, reduced to what must be rebuilt. */
export interface RebuildPlan {
  config?: boolean;
  templates?: boolean;
  series?: string[];
  broadcasts?: boolean;
}

export type PreviewEvent = 'version' | 'outbox' | 'broadcasts';

export interface RebuildRecord {
  scope: string;
  ms: number;
  at: Date;
}

/** Turns anything thrown while building into problems the page can list. */
function asProblems(err: unknown, file: string): Problem[] {
  if (err instanceof CoursemailError) return err.problems.length ? err.problems : [{ code: err.code, file, message: err.message }];
  return [{ code: 'preview.build', file, message: (err as Error)?.message ?? String(err) }];
}

/**
 * Everything the preview shows, built in memory and rebuilt piecemeal: a lesson edit
 * rebuilds its series, a template edit re-imports `emails/` and rebuilds everything.
 * Rebuilds run one at a time; each bumps `version`, which open pages compare against.
 */
export class PreviewBuilder {
  project?: Project;
  /** Config or template problems: nothing can build until they are fixed. */
  projectProblems: Problem[] = [];
  series = new Map<string, SeriesView>();
  broadcasts = new Map<string, BroadcastView>();
  last?: RebuildRecord;
  private counter = 0;
  private readonly run = randomBytes(4).toString('hex');
  private queue: Promise<void> = Promise.resolve();
  private listeners = new Set<(event: PreviewEvent, data: string) => void>();
  /** After the first attempt, templates are always re-imported fresh: Node caches a failed import too. */
  private importedOnce = false;

  constructor(readonly root: string) {}

  /** Changes on every rebuild and across restarts, so a page from an older build reloads. */
  get version(): string {
    return `${this.run}-${this.counter}`;
  }

  /** `version` after every rebuild; `outbox` when the outbox folder gains or loses a message; `broadcasts` when a send starts or is cancelled. */
  onChange(listener: (event: PreviewEvent, data: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  signal(event: PreviewEvent, data: string): void {
    for (const l of this.listeners) l(event, data);
  }

  rebuild(plan: RebuildPlan): Promise<void> {
    const next = this.queue.then(() => this.apply(plan));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async apply(plan: RebuildPlan): Promise<void> {
    const start = performance.now();
    const everything = plan.config || plan.templates || !this.project;
    if (everything) await this.reloadProject(plan);
    const ids = listSeries(this.root);
    for (const id of this.series.keys()) if (!ids.includes(id)) this.series.delete(id);
    const targets = everything ? ids : (plan.series ?? []).filter((id) => ids.includes(id));
    let seriesLooksChanged = false;
    for (const id of targets) {
      const before = this.series.get(id)?.built?.course;
      const view = await this.buildOne(id, !everything);
      const after = view.built?.course;
      seriesLooksChanged ||=
        !before || !after || before.title !== after.title || before.engine !== after.engine || JSON.stringify(before.sender) !== JSON.stringify(after.sender);
      this.series.set(id, view);
    }
    // Broadcasts take engine, title and sender from the series they target; a lesson edit leaves them be.
    const broadcasts = everything || plan.broadcasts || (seriesLooksChanged && this.broadcasts.size > 0);
    if (broadcasts) this.broadcasts = await this.buildAllBroadcasts();
    this.counter += 1;
    const scope = everything
      ? `everything${plan.templates ? ' (templates re-imported)' : ''}`
      : [...targets.map((t) => `series ${t}`), broadcasts ? 'broadcasts' : ''].filter(Boolean).join(', ') || 'nothing';
    this.last = { scope, ms: performance.now() - start, at: new Date() };
    this.signal('version', this.version);
  }

  /**
   * A config-only change keeps the templates already loaded: a plain re-import would
   * hand back the modules cached at startup, undoing any template edit since.
   */
  private async reloadProject(plan: RebuildPlan): Promise<void> {
    try {
      const dir = emailsDir(this.root);
      if (this.project && !plan.templates && this.project.emailsDir === dir) {
        const config = loadConfig(this.root);
        this.project = { ...this.project, config, resolveLink: linkResolver(config) };
      } else {
        const fresh = this.importedOnce;
        this.importedOnce = true;
        this.project = await loadProject(this.root, { fresh });
      }
      this.projectProblems = [];
    } catch (err) {
      this.projectProblems = asProblems(err, plan.templates ? emailsDir(this.root) : 'coursemail.config.json');
    }
  }

  private async buildOne(id: string, incremental: boolean): Promise<SeriesView> {
    if (!this.project || this.projectProblems.length) return { id, problems: [] };
    try {
      const prev = incremental ? this.series.get(id)?.built : undefined;
      const { built, problems } = await rebuildSeries(this.project, id, prev);
      return { id, built, problems };
    } catch (err) {
      return { id, problems: asProblems(err, `series/${id}`) };
    }
  }

  private async buildAllBroadcasts(): Promise<Map<string, BroadcastView>> {
    if (!this.project || this.projectProblems.length) return new Map();
    return buildBroadcasts(this.project, (id) => {
      const view = this.series.get(id);
      return view ? (view.built?.course ?? 'broken') : 'missing';
    });
  }
}
