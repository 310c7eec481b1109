import type { BuiltMessage, BuiltSeries } from '../../build/index.ts';
import type { Course } from '../../course/types.ts';
import { entryOf, type Catalog, type CatalogEntry } from '../../send/index.ts';
import type { RenderedMessage } from '../../render/render-message.ts';
import type { PreviewBuilder } from '../preview/index.ts';

export interface LiveCatalog extends Catalog {
  /** Why nothing may be sent yet (the project or a series has never built), or undefined. */
  notReady(): string | undefined;
}

/**
 * The worker's catalog read from the preview's builder, so the in-process worker sends what the preview shows once a save rebuilds.
 * A series whose latest save does not build keeps its last good build: a typo must not turn due lessons into failed deliveries.
 * `courses` is one Map updated in place, so the public app (which takes it as its series list) follows too.
 */
export function liveCatalog(builder: PreviewBuilder): LiveCatalog {
  const good = new Map<string, BuiltSeries>();
  const courses = new Map<string, Course>();
  // Compiled once per rendered message: an unchanged lesson keeps its object across rebuilds.
  const compiled = new WeakMap<RenderedMessage, CatalogEntry>();
  const entry = (m: BuiltMessage) => {
    let e = compiled.get(m.message);
    if (!e) compiled.set(m.message, (e = entryOf(m.message)));
    return e;
  };
  const refresh = () => {
    for (const id of good.keys()) if (!builder.series.has(id)) good.delete(id);
    for (const [id, view] of builder.series) if (view.built) good.set(id, view.built);
    courses.clear();
    for (const [id, b] of good) courses.set(id, b.course);
  };
  refresh();
  builder.onChange((event) => {
    if (event === 'version') refresh();
  });
  return {
    courses,
    lesson: (seriesId, slug) => {
      const step = good.get(seriesId)?.steps.find((s) => s.step.slug === slug);
      return step && entry(step);
    },
    confirm: (seriesId) => {
      const built = good.get(seriesId);
      return built && entry(built.confirm);
    },
    notReady: () => {
      if (!builder.project) return 'the project does not load (see the problems in the preview); nothing is sent until it does';
      const never = [...builder.series.keys()].filter((id) => !good.has(id));
      return never.length
        ? `series ${never.join(', ')} ${never.length === 1 ? 'has' : 'have'} not built yet (see the preview); nothing is sent until ${never.length === 1 ? 'it does' : 'they do'}`
        : undefined;
    },
  };
}
