import { StopRunError } from '../../send/transport.ts';
import { CoursemailError, formatProblem } from '../../shared/index.ts';

/**
 * A preview action's failure in the words the CLI prints: a config or input problem, or the
 * provider's stop (refused key or login), as its one line; anything else as "Failed: …".
 * Shown in the page, never as a bare 500.
 */
export function actionError(err: unknown): string {
  if (err instanceof CoursemailError) return [err.message.split('\n')[0], ...err.problems.map(formatProblem)].join(' · ');
  if (err instanceof StopRunError) return err.message;
  return `Failed: ${(err as Error)?.message ?? String(err)}`;
}
