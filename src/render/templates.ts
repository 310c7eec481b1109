import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ComponentType } from 'react';
import type { BroadcastProps } from '../../emails/Broadcast.tsx';
import type { ConfirmSubscriptionProps } from '../../emails/ConfirmSubscription.tsx';
import type { LessonProps } from '../../emails/Lesson.tsx';

/** What the renderer needs from `emails/`: the contract a project's own copy must keep. */
export interface EmailTemplates {
  Lesson: ComponentType<LessonProps>;
  Broadcast: ComponentType<BroadcastProps>;
  ConfirmSubscription: ComponentType<ConfirmSubscriptionProps>;
  lessonMjml: (props: LessonProps) => string;
  broadcastMjml: (props: BroadcastProps) => string;
  confirmSubscriptionMjml: (props: ConfirmSubscriptionProps) => string;
}

const PACKAGE_EMAILS_DIR = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../emails');

/** The project's `emails/` when it has one, otherwise the templates shipped with coursemail. */
export function emailsDir(root: string): string {
  const own = join(root, 'emails', 'index.ts');
  return existsSync(own) ? join(root, 'emails') : PACKAGE_EMAILS_DIR;
}

/**
 * Loads the templates. `fresh` re-evaluates the whole template graph (Layout, footer…)
 * so an edit is picked up by a running preview: tsx's `tsImport` gives each call its own
 * module namespace, where a plain `import()` would keep serving the cached modules.
 */
export async function loadTemplates(dir: string, opts: { fresh?: boolean } = {}): Promise<EmailTemplates> {
  const entry = pathToFileURL(join(dir, 'index.ts')).href;
  const mod = opts.fresh
    ? ((await (await import('tsx/esm/api')).tsImport(entry, import.meta.url)) as Partial<EmailTemplates>)
    : ((await import(entry)) as Partial<EmailTemplates>);
  const missing = (['Lesson', 'Broadcast', 'ConfirmSubscription', 'lessonMjml', 'broadcastMjml', 'confirmSubscriptionMjml'] as const).filter(
    (k) => typeof mod[k] !== 'function',
  );
  if (missing.length) throw new Error(`${join(dir, 'index.ts')} must export ${missing.join(', ')}`);
  return mod as EmailTemplates;
}
