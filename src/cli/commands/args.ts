import { CoursemailError } from '../../shared/index.ts';
import { normalizeEmail } from '../../subscribers/normalize-email.ts';

/** Flags shared by many commands. */
export const rootArg = {
  root: { type: 'string', description: 'project root (holds coursemail.config.json, series/, emails/)', default: '.' },
} as const;

/** Every value of a repeatable `--name V` / `--name=V` flag, in order (citty keeps only the last). */
export function repeated(rawArgs: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i]!;
    if (arg === `--${name}` && i + 1 < rawArgs.length) values.push(rawArgs[++i]!);
    else if (arg.startsWith(`--${name}=`)) values.push(arg.slice(name.length + 3));
  }
  return values;
}

/** An EMAIL argument, normalized; a clear error when it is not a usable address. */
export function emailArg(value: string | undefined): string {
  const r = normalizeEmail(value ?? '');
  if ('problem' in r) throw new CoursemailError('args.email', `"${value ?? ''}" is not an address coursemail can use: ${r.problem.message}.`);
  return r.email;
}
