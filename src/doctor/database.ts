import type { SchemaStatus } from '../store/index.ts';
import { fail, ok, type CheckResult } from './check.ts';

export function databaseCheck(status: SchemaStatus): CheckResult {
  const name = 'database';
  switch (status.state) {
    case 'absent':
      return ok(name, `${status.where} does not exist yet: the first \`coursemail worker\` or \`serve\` creates it`);
    case 'unreachable':
      return fail(name, `${status.where} could not be read (${status.error}): check DATABASE_URL, and that the database is running and accepts this login.`);
    case 'ready':
      if (status.unknown.length)
        return fail(name, `${status.where} was migrated by a newer coursemail (${status.unknown.join(', ')}): upgrade this copy before running it.`);
      if (status.pending.length)
        return fail(
          name,
          `${status.where} lacks ${status.pending.length} migration(s) (${status.pending.join(', ')}): start one process (\`coursemail worker --once\`) to apply them before the others (docs/deploy.md, "Upgrading").`,
        );
      return ok(name, `${status.where} is reachable and migrated`);
  }
}
