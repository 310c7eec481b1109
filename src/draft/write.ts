import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoursemailError } from '../shared/index.ts';

export interface SeriesFile {
  /** A plain file name inside the series folder, e.g. `01-welcome.md`. */
  name: string;
  content: string;
}

const SERIES_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const FILE_NAME = /^(?!\.{1,2}$)[^/\\\0]+$/;

/**
 * Writes `series/<id>/` all at once: files go into a temporary folder renamed into place only when complete, so a failure leaves no half-written series.
 * An existing series is refused unless `force`; then it is swapped out by rename and deleted only after the new one is in place.
 */
export function writeSeriesFolder(root: string, id: string, files: SeriesFile[], opts: { force: boolean }): string {
  if (!SERIES_ID.test(id)) {
    throw new CoursemailError(
      'args',
      `series id "${id}" must be lowercase letters, digits and dashes, starting with a letter or digit (it becomes the folder series/${id}/)`,
    );
  }
  const parent = join(root, 'series');
  const target = join(parent, id);
  if (existsSync(target) && !opts.force) {
    throw new CoursemailError('draft.exists', `series/${id}/ already exists; nothing was written. Pass --force to replace it, or choose another id.`);
  }
  mkdirSync(parent, { recursive: true });
  const temp = mkdtempSync(join(parent, `.${id}.draft-`));
  try {
    for (const file of files) {
      if (!FILE_NAME.test(file.name)) throw new CoursemailError('draft.write', `"${file.name}" is not a file name`);
      writeFileSync(join(temp, file.name), file.content, { flag: 'wx' });
    }
    if (existsSync(target)) {
      const old = `${temp}-replaced`;
      renameSync(target, old);
      try {
        renameSync(temp, target);
      } catch (err) {
        renameSync(old, target);
        throw err;
      }
      rmSync(old, { recursive: true, force: true });
    } else renameSync(temp, target);
  } catch (err) {
    rmSync(temp, { recursive: true, force: true });
    if (err instanceof CoursemailError) throw new CoursemailError(err.code, `could not write series/${id}/: ${err.message}; nothing was written.`);
    throw new CoursemailError('draft.write', `could not write series/${id}/: ${(err as Error).message}; nothing was written.`);
  }
  return target;
}
