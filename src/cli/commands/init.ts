import { resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { defineCommand } from 'citty';
import { assertWritable, QUESTIONS, TRANSPORTS, writeProject, type InitAnswers, type TransportChoice } from '../../init/index.ts';
import { CoursemailError, type Problem } from '../../shared/index.ts';
import type { CliIO } from '../output.ts';
import { rootArg } from './args.ts';

const questionArgs = Object.fromEntries(QUESTIONS.map((q) => [q.flag, { type: 'string' as const, description: `${q.message} (e.g. ${q.placeholder})` }]));

const smtpPort = (v: string) => (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 65535 ? undefined : 'must be a port number (1–65535)');
const smtpHost = (v: string) => (v.trim() ? undefined : 'the SMTP server name is required');
const transportRule = (v: string) => ((TRANSPORTS as readonly string[]).includes(v) ? undefined : `must be one of ${TRANSPORTS.join(', ')}`);

/** `--non-interactive`: every answer from flags, every broken rule named at once. */
function fromFlags(args: Record<string, unknown>): InitAnswers {
  const problems: Problem[] = [];
  const answers: Record<string, string> = {};
  const take = (flag: string, optional: boolean, validate: (v: string) => string | undefined) => {
    const value = typeof args[flag] === 'string' ? (args[flag] as string) : '';
    if (!value) {
      if (!optional) problems.push({ code: 'init.flag', field: `--${flag}`, message: 'is required with --non-interactive' });
      return;
    }
    const broken = validate(value);
    if (broken) problems.push({ code: 'init.flag', field: `--${flag}`, message: `"${value}": ${broken}` });
    else answers[flag] = value;
  };
  for (const q of QUESTIONS) take(q.flag, q.optional ?? false, q.validate);
  take('transport', false, transportRule);
  if (answers.transport === 'smtp') {
    take('smtp-host', false, smtpHost);
    take('smtp-port', false, smtpPort);
  }
  if (problems.length) throw new CoursemailError('init.flags', 'coursemail init --non-interactive:', problems);
  return toAnswers(answers);
}

function toAnswers(a: Record<string, string>): InitAnswers {
  const transport = a.transport as TransportChoice;
  return {
    ...(a as unknown as InitAnswers),
    transport,
    ...(transport === 'smtp' ? { smtp: { host: a['smtp-host']!, port: Number(a['smtp-port']) } } : {}),
  };
}

/** Where the questions are asked: the terminal, or a test's streams. */
export interface PromptStreams {
  input?: Readable;
  output?: Writable;
}

/** On a terminal: each question re-asked until its answer passes the schema's rule. */
export async function fromPrompts(args: Record<string, unknown>, io: PromptStreams = {}): Promise<InitAnswers> {
  const p = await import('@clack/prompts');
  const answers: Record<string, string> = {};
  const cancelled = (v: unknown): v is symbol => {
    if (!p.isCancel(v)) return false;
    p.cancel('Nothing was written.', io);
    throw new CoursemailError('init.cancelled', 'init cancelled: nothing was written.');
  };
  p.intro('coursemail init', io);
  for (const q of QUESTIONS) {
    const initial = typeof args[q.flag] === 'string' ? (args[q.flag] as string) : undefined;
    const value = await p.text({
      ...io,
      message: q.message,
      placeholder: q.placeholder,
      initialValue: initial,
      validate: (v) => (!v ? (q.optional ? undefined : 'required') : q.validate(v)),
    });
    if (!cancelled(value) && value) answers[q.flag] = value;
  }
  const transport = await p.select({
    ...io,
    message: 'How will mail be sent?',
    options: [
      { value: 'resend', label: 'Resend', hint: 'recommended: API key, domain verification, bounce webhooks' },
      { value: 'smtp', label: 'SMTP', hint: "your provider's SMTP server" },
      { value: 'outbox', label: 'Outbox', hint: 'writes .eml files, sends nothing (trying it out)' },
    ],
  });
  if (!cancelled(transport)) answers.transport = transport;
  if (answers.transport === 'smtp') {
    const host = await p.text({ ...io, message: 'SMTP server', placeholder: 'smtp.your-provider.com', validate: (v) => smtpHost(v ?? '') });
    if (!cancelled(host)) answers['smtp-host'] = host;
    const port = await p.text({ ...io, message: 'SMTP port', initialValue: '587', validate: (v) => smtpPort(v ?? '') });
    if (!cancelled(port)) answers['smtp-port'] = port;
  }
  return toAnswers(answers);
}

export const initCommand = (io: CliIO) =>
  defineCommand({
    meta: { name: 'init', description: 'write coursemail.config.json (asked on a terminal, or from flags) and .env.example with a fresh COURSEMAIL_SECRET' },
    args: {
      ...rootArg,
      ...questionArgs,
      transport: { type: 'string', description: `how mail is sent: ${TRANSPORTS.join(' | ')}` },
      'smtp-host': { type: 'string', description: 'SMTP server (transport smtp)' },
      'smtp-port': { type: 'string', description: 'SMTP port (transport smtp)' },
      'non-interactive': { type: 'boolean', description: 'take every answer from flags (scripts, CI)', default: false },
      force: { type: 'boolean', description: 'replace an existing coursemail.config.json and .env.example', default: false },
    },
    run: async ({ args }) => {
      const root = resolve(args.root);
      if (!args['non-interactive'] && !process.stdin.isTTY) {
        throw new CoursemailError(
          'init.no-terminal',
          'init asks its questions on a terminal; here there is none. Pass --non-interactive with the answers as flags (see `coursemail init --help`).',
        );
      }
      assertWritable(root, { force: args.force });
      const answers = args['non-interactive'] ? fromFlags(args) : await fromPrompts(args);
      const { configFile, envFile } = writeProject(root, answers, { force: args.force });
      io.out(`wrote ${configFile}`);
      io.out(`wrote ${envFile}: it holds a fresh COURSEMAIL_SECRET; copy it to your env file, fill in the rest, and keep it out of git.`);
      io.out('next: `coursemail doctor` says what is still missing before a launch.');
      return 0;
    },
  });
