import { z } from 'zod';

const httpsUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL');

/**
 * The project's one config file. Secrets (API keys, signing secret, database URL) are
 * deliberately absent: they come from the environment only, so this file can be committed.
 */
export const configSchema = z
  .object({
    sender: z
      .object({
        name: z.string().trim().min(1, 'sender name is required'),
        email: z.string().email('sender email must be a valid address'),
        replyTo: z.string().email().optional(),
      })
      .strict(),
    /** The person who writes the course: signs each lesson and broadcast, and is named in the footer's "Sent by". */
    coach: z
      .object({
        name: z
          .string()
          .trim()
          .min(1, 'coach name is required')
          .regex(/^[^{}<>]*$/, 'coach name cannot contain { } < >'),
        credentials: z
          .string()
          .trim()
          .min(1)
          .regex(/^[^{}<>]*$/, 'coach credentials cannot contain { } < >')
          .optional(),
      })
      .strict()
      .optional(),
    postalAddress: z.string().trim().min(10, 'a full postal address is required (CAN-SPAM)'),
    siteUrl: httpsUrl,
    /** Where the public endpoints (confirm, unsubscribe, preferences) are reachable. */
    publicUrl: httpsUrl,
    consultationUrl: httpsUrl,
    /** Named links lessons refer to as `link:NAME`; a missing one renders as plain text. */
    links: z.record(z.string(), httpsUrl).default({}),
    testAddress: z.string().email().optional(),
    transport: z.enum(['outbox', 'smtp', 'resend']).default('outbox'),
    smtp: z
      .object({
        host: z.string().min(1),
        port: z.number().int().min(1).max(65535),
        secure: z.boolean().default(false),
        pool: z.boolean().default(true),
        rejectUnauthorized: z.boolean().default(true),
        /** Unset: true when SMTP_USER is set (see deliver/smtp.ts). */
        requireTLS: z.boolean().optional(),
      })
      .strict()
      .optional(),
    /** Resend's default is 5 requests per second per team. */
    resend: z
      .object({ requestsPerSecond: z.number().positive().default(5) })
      .strict()
      .default({ requestsPerSecond: 5 }),
    /** The claims lint (src/lint/claims.ts): phrases to add, and rule ids to leave out. */
    lint: z
      .object({
        claims: z
          .object({
            add: z
              .array(z.union([z.string().trim().min(2), z.object({ phrase: z.string().trim().min(2), reason: z.string().trim().min(1) }).strict()]))
              .default([]),
            remove: z.array(z.string().trim().min(1)).default([]),
          })
          .strict()
          .default({ add: [], remove: [] }),
      })
      .strict()
      .default({ claims: { add: [], remove: [] } }),
    /**
     * Addresses that may sign in to the console (`serve` mounts it under /admin only when
     * this is set); each gets its sign-in links by email.
     */
    admins: z.array(z.string().email('each admin must be a valid email address')).min(1, 'admins, when present, lists at least one address').optional(),
    /** Origins allowed to POST the subscribe form cross-origin (the author's own site). */
    allowedOrigins: z.array(z.string().url()).default([]),
    /** Host names `coursemail dev` answers to besides localhost and publicUrl's (a LAN name with --allow-remote). */
    allowedHosts: z.array(z.string().regex(/^[A-Za-z0-9.-]+(:\d+)?$|^\[[0-9A-Fa-f:.]+\](:\d+)?$/, 'a host name, optionally with :port')).default([]),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
