import type { Config } from '../../config/index.ts';
import type { SendWindow, Step } from '../../course/types.ts';
import type { Store } from '../../store/index.ts';

/** What a sign-up page needs to know about a series: `catalog.courses` fits as is. */
export interface SeriesInfo {
  title: string;
  description?: string;
  /** Its lessons in order, so a reader's page can name them (not by file slug). */
  steps?: readonly (Pick<Step, 'slug' | 'subject'> & Partial<Step>)[];
  /** The series' zone: times on a reader's page are in theirs, else this one. */
  timezone?: string;
  /** With lessons' delays and the zone, lets the pages say when lesson 1 arrives. */
  sendWindow?: SendWindow;
}

export interface PublicLimits {
  /** Largest request body accepted (413 above it). */
  bodyBytes: number;
  /** Sign-ups and fresh-link requests per client address: bucket size… */
  burst: number;
  /** …and how many tokens it regains per hour. */
  refillPerHour: number;
  /** One confirmation email per address in this window, whatever is submitted. */
  confirmCooldownMinutes: number;
}

/** What the public endpoints need; the caller (serve, dev, tests) wires the edges. */
export interface PublicDeps {
  store: Store;
  config: Pick<Config, 'publicUrl' | 'allowedOrigins' | 'sender' | 'postalAddress'>;
  /** COURSEMAIL_SECRET: signs and verifies confirm, unsubscribe and preferences links. */
  secret: string;
  clock: () => Date;
  /** The series one may join, by id. */
  series: ReadonlyMap<string, SeriesInfo>;
  /** The project's outbox/: an erasure from the preferences page removes the reader's copies there too. */
  outboxDir?: string;
  /** Wakes an in-process worker when a confirmation or a first lesson becomes due (`dev`). */
  kick?: () => void;
  limits?: Partial<PublicLimits>;
  /**
   * Behind a reverse proxy every request comes from the proxy: then the client is the last
   * X-Forwarded-For hop (the one the proxy added). Off by default: anyone can send that header.
   */
  trustProxy?: boolean;
}

export const DEFAULT_LIMITS: PublicLimits = {
  bodyBytes: 16 * 1024,
  // A clinic behind one NAT may sign up a few people at once; a script may not sign up thousands.
  burst: 10,
  refillPerHour: 30,
  confirmCooldownMinutes: 10,
};
