/** A duration written in frontmatter as `0d`, `2d`, `3d 9h`, `90m`. Stored in minutes. */
export interface Delay {
  /** As the author wrote it, for messages and the manifest. */
  raw: string;
  minutes: number;
}

/** The kinds of message a course sends: each has its own placeholders (personalize) and footer (render). */
export type MessageKind = 'lesson' | 'broadcast' | 'confirm';

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/**
 * When lessons may go out, in the subscriber's own time zone. `start`/`end` are local
 * wall-clock times `HH:MM` (end exclusive); `days` are the allowed weekdays.
 */
export interface SendWindow {
  start: string;
  end: string;
  days: Weekday[];
}

export interface CallToAction {
  text: string;
  /** Resolved URL, or undefined when its `link:NAME` has no URL in config (then no button). */
  href?: string;
  /** The NAME of a `link:NAME` href, so a missing URL can be named. */
  link?: string;
}

/** One lesson in order. `step` is 1-based; `offsetMinutes` is the sum of delays up to it. */
export interface Step {
  step: number;
  slug: string;
  subject: string;
  preheader: string;
  delay: Delay;
  /** Minutes from confirmation when the lesson would go if every send were instant. */
  offsetMinutes: number;
  /** Markdown body with Handlebars placeholders intact. */
  body: string;
  cta?: CallToAction;
  /** Source file (relative to the project root) and the line the body starts on. */
  file: string;
  bodyLine: number;
}

export interface Course {
  id: string;
  title: string;
  description: string;
  engine: 'react' | 'mjml';
  sender?: { name?: string; email?: string };
  sendWindow: SendWindow;
  /** IANA zone used when a subscriber's zone is unknown or invalid. */
  timezone: string;
  steps: Step[];
  /** Directory of the series (relative to the project root). */
  dir: string;
}
