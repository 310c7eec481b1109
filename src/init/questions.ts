import { configSchema } from '../config/index.ts';

export interface Question {
  /** The flag for `--non-interactive`, and the answer's key. */
  flag: string;
  message: string;
  placeholder: string;
  optional?: boolean;
  /** The config schema's rule for this field: a sentence when the answer breaks it. */
  validate(value: string): string | undefined;
}

const { sender, coach, postalAddress, siteUrl, publicUrl, consultationUrl, testAddress } = configSchema.shape;

const rule =
  (schema: { safeParse(v: unknown): { success: boolean; error?: { issues: { message: string }[] } } }, extra?: (v: string) => string | undefined) =>
  (value: string) => {
    const parsed = schema.safeParse(value);
    return parsed.success ? extra?.(value) : parsed.error!.issues[0]!.message;
  };

const https = (v: string) => (v.startsWith('https://') ? undefined : 'must start with https:// (links in emails go here)');

/** What `init` asks, in order; each answer checked with the config schema's own rule. */
export const QUESTIONS: Question[] = [
  { flag: 'sender-name', message: 'Sender name (shown in the inbox)', placeholder: 'Dr. Jane Rivera Coaching', validate: rule(sender.shape.name) },
  { flag: 'sender-email', message: 'Sender address (on a domain you own)', placeholder: 'jane@mail.your-practice.com', validate: rule(sender.shape.email) },
  {
    flag: 'coach-name',
    message: 'Your name as the coach (signs each lesson; optional)',
    placeholder: 'Jane Rivera',
    optional: true,
    validate: rule(coach.unwrap().shape.name),
  },
  {
    flag: 'coach-credentials',
    message: 'Your credentials (optional)',
    placeholder: 'MD, PCC',
    optional: true,
    validate: rule(coach.unwrap().shape.credentials.unwrap()),
  },
  {
    flag: 'postal-address',
    message: 'Postal address (the law requires one in every email)',
    placeholder: '200 Harbor Road, Suite 4, Portland, ME 04101, USA',
    validate: rule(postalAddress),
  },
  {
    flag: 'public-url',
    message: 'Public URL where coursemail serve answers (https)',
    placeholder: 'https://mail.your-practice.com',
    validate: rule(publicUrl, https),
  },
  { flag: 'site-url', message: 'Your website', placeholder: 'https://your-practice.com', validate: rule(siteUrl) },
  {
    flag: 'consultation-url',
    message: 'Where readers book a consultation',
    placeholder: 'https://your-practice.com/consultation',
    validate: rule(consultationUrl),
  },
  {
    flag: 'test-address',
    message: 'Your own address for test sends (optional)',
    placeholder: 'jane@your-practice.com',
    optional: true,
    validate: rule(testAddress.unwrap()),
  },
];

export const TRANSPORTS = ['resend', 'smtp', 'outbox'] as const;
export type TransportChoice = (typeof TRANSPORTS)[number];
