import { createElement } from 'react';
import { render } from '@react-email/render';
import type { Config, LinkResolver } from '../config/index.ts';
import type { CallToAction, MessageKind } from '../course/index.ts';
import { CoursemailError } from '../shared/index.ts';
import { latin1Html } from './escape.ts';
import { footerContent } from './footer.ts';
import { markdownToEmailHtml } from './markdown.ts';
import { htmlToPlainText } from './plain-text.ts';
import type { EmailTemplates } from './templates.ts';

export type Engine = 'react' | 'mjml';

export interface RenderEnv {
  config: Config;
  templates: EmailTemplates;
  resolveLink: LinkResolver;
}

/** What one message says, independent of engine. */
export interface MessageSource {
  kind: MessageKind;
  engine: Engine;
  subject: string;
  preheader: string;
  /** Markdown (lessons, broadcasts); the confirmation's body lives in its template. */
  body?: string;
  cta?: CallToAction;
  seriesTitle?: string;
  /** The confirmation's sentence on when lesson 1 arrives. */
  firstLesson?: string;
  step?: number;
  stepCount?: number;
  sender?: { name?: string; email?: string };
}

/** A message rendered once, placeholders intact, ready to compile and fill per recipient. */
export interface RenderedMessage {
  kind: MessageKind;
  subject: string;
  preheader: string;
  html: string;
  text: string;
  htmlBytes: number;
  senderName: string;
  senderEmail: string;
}

async function renderHtml(src: MessageSource, env: RenderEnv): Promise<string> {
  const footer = footerContent(env.config, { kind: src.kind, seriesTitle: src.seriesTitle, sender: src.sender });
  const bodyHtml = src.body === undefined ? '' : markdownToEmailHtml(src.body, env.resolveLink);
  const t = env.templates;
  const lessonProps = {
    seriesTitle: src.seriesTitle ?? '',
    step: src.step ?? 1,
    stepCount: src.stepCount ?? 1,
    subject: src.subject,
    preheader: src.preheader,
    bodyHtml,
    cta: src.cta,
    footer,
  };
  const broadcastProps = { subject: src.subject, preheader: src.preheader, bodyHtml, cta: src.cta, footer };
  const confirmProps = { seriesTitle: src.seriesTitle ?? '', subject: src.subject, firstLesson: src.firstLesson ?? '', preheader: src.preheader, footer };
  if (src.engine === 'react') {
    const element =
      src.kind === 'lesson'
        ? createElement(t.Lesson, lessonProps)
        : src.kind === 'broadcast'
          ? createElement(t.Broadcast, broadcastProps)
          : createElement(t.ConfirmSubscription, confirmProps);
    return render(element);
  }
  const markup =
    src.kind === 'lesson' ? t.lessonMjml(lessonProps) : src.kind === 'broadcast' ? t.broadcastMjml(broadcastProps) : t.confirmSubscriptionMjml(confirmProps);
  // Loaded on first use: a process that renders React only (the worker, usually) never carries MJML's ~50 MB.
  const { default: mjml2html } = await import('mjml');
  try {
    const out = await mjml2html(markup, { validationLevel: 'strict', keepComments: false });
    return out.html;
  } catch (err) {
    const errors = (err as { errors?: { formattedMessage?: string; message?: string }[] }).errors ?? [];
    throw new CoursemailError(
      'render.mjml',
      `MJML rejected the ${src.kind} template: ${(err as Error).message}`,
      errors.map((e) => ({ code: 'render.mjml', message: e.formattedMessage ?? e.message ?? String(e) })),
    );
  }
}

/** Renders HTML once and derives the text part from it, so both always say the same. */
export async function renderMessage(src: MessageSource, env: RenderEnv): Promise<RenderedMessage> {
  const html = latin1Html(await renderHtml(src, env));
  return {
    kind: src.kind,
    subject: src.subject,
    preheader: src.preheader,
    html,
    text: htmlToPlainText(html),
    htmlBytes: Buffer.byteLength(html, 'utf8'),
    senderName: src.sender?.name ?? env.config.sender.name,
    senderEmail: src.sender?.email ?? env.config.sender.email,
  };
}
