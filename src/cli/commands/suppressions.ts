import { resolve } from 'node:path';
import { defineCommand } from 'citty';
import { CoursemailError } from '../../shared/index.ts';
import { emailHash, openStore, storeOptionsFromEnv, type Store } from '../../store/index.ts';
import type { CliIO } from '../output.ts';
import { emailArg, rootArg } from './args.ts';

async function withStore<T>(root: string, body: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(storeOptionsFromEnv(process.env, resolve(root)));
  try {
    return await body(store);
  } finally {
    await store.close();
  }
}

/**
 * The list keeps only hashes (an erased reader leaves no address behind), so addresses
 * are shown where a subscriber row still names them.
 */
const list = (io: CliIO) =>
  defineCommand({
    meta: { name: 'list', description: 'every suppressed address: why and since when' },
    args: { ...rootArg },
    run: ({ args }) =>
      withStore(args.root, async (store) => {
        const suppressed = await store.suppressions.list();
        const known = new Map<string, string>();
        for (let after: string | undefined; suppressed.length > 0; ) {
          const page = await store.subscribers.list({ limit: 1000, after });
          for (const s of page) known.set(emailHash(s.email), s.email);
          if (page.length < 1000) break;
          after = page[page.length - 1]!.id;
        }
        if (suppressed.length === 0) io.out('No suppressed addresses.');
        for (const s of suppressed) {
          io.out(
            `${s.createdAt.toISOString().slice(0, 10)}  ${s.reason.padEnd(12)}  ${known.get(s.emailHash) ?? `(erased; hash ${s.emailHash.slice(0, 12)}…)`}`,
          );
        }
      }),
  });

const add = (io: CliIO) =>
  defineCommand({
    meta: { name: 'add', description: 'never mail EMAIL again; anything queued for it is cancelled' },
    args: { ...rootArg, email: { type: 'positional', description: 'the address', required: true } },
    run: ({ args }) =>
      withStore(args.root, async (store) => {
        const email = emailArg(args.email);
        const { added } = await store.suppressions.add(email, 'manual', new Date());
        io.out(added ? `${email} is suppressed: nothing more will be sent to it.` : `${email} was already suppressed.`);
      }),
  });

const remove = (io: CliIO) =>
  defineCommand({
    meta: { name: 'remove', description: 'take EMAIL off the list (needs --yes: only when the person asked to come back)' },
    args: {
      ...rootArg,
      email: { type: 'positional', description: 'the address', required: true },
      yes: { type: 'boolean', description: 'confirm that the person asked to receive mail again', default: false },
    },
    run: ({ args }) =>
      withStore(args.root, async (store) => {
        const email = emailArg(args.email);
        if (!args.yes) {
          throw new CoursemailError(
            'suppressions.confirm',
            `Not removed. Take ${email} off the suppression list only if that person asked to receive mail again (a bounced address must be fixed first; a complaint must be withdrawn by them). Run again with --yes to confirm.`,
          );
        }
        const { removed } = await store.suppressions.remove(email);
        if (!removed) {
          io.out(`${email} was not suppressed.`);
          return;
        }
        io.out(`${email} removed from the suppression list, on the understanding that they asked to return.`);
        io.out('They are not re-subscribed: they sign up again and confirm by email, like anyone new.');
      }),
  });

/** `suppressions list|add EMAIL|remove EMAIL --yes`: the addresses coursemail never mails. */
export const suppressionsCommand = (io: CliIO) =>
  defineCommand({
    meta: { name: 'suppressions', description: 'addresses never mailed (bounces, complaints, manual): list | add EMAIL | remove EMAIL --yes' },
    // Declared here too, so a bare `suppressions --root DIR` knows DIR is a value, not a subcommand.
    args: { ...rootArg },
    subCommands: { list: list(io), add: add(io), remove: remove(io) },
    default: 'list',
  });
