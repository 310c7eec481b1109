import type { BuiltMessage } from '../../build/index.ts';
import type { Config } from '../../config/index.ts';
import { formatOffset } from '../../course/index.ts';
import type { SendWindow } from '../../course/types.ts';
import { firstLessonPromise } from '../../schedule/index.ts';
import { fillMessage, sampleRecipient } from '../../send/test-send.ts';
import type { BroadcastStatus } from '../../broadcast/index.ts';
import { isLive, stateLabel } from './broadcast-pages.ts';
import type { BroadcastView } from './broadcasts.ts';
import { html, type SafeHtml } from '../html.ts';
import { problemList } from './layout.ts';
import type { PreviewBuilder, SeriesView } from './state.ts';

const WEEK = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export function describeWindow(w: SendWindow): string {
  const days =
    w.days.length === 7
      ? 'every day'
      : WEEK.filter((d) => w.days.includes(d as SendWindow['days'][number]))
          .map((d) => d[0]!.toUpperCase() + d.slice(1))
          .join(', ');
  return `${w.start}–${w.end}, ${days}`;
}

/** `Day 4`, or `Day 3 + 9h` for delays that are not whole days. */
export function dayLabel(offsetMinutes: number): string {
  const rest = offsetMinutes % 1440;
  return `Day ${Math.floor(offsetMinutes / 1440)}${rest ? ` + ${formatOffset(rest)}` : ''}`;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** Subject and preheader as the inbox list shows them, filled for the default sample reader. */
function inboxLine(config: Config, built: BuiltMessage): SafeHtml {
  const filled = fillMessage(built.message, sampleRecipient(config, 'named'));
  return html`<span class="inbox-line"><span class="subject">${filled.subject}</span> <span class="preheader">— ${built.message.preheader}</span></span>`;
}

export interface SeriesPageOptions {
  /** Newest broadcast per slug (coursemail dev); without it drafts show their sendAt only. */
  statuses?: Map<string, BroadcastStatus>;
  /** The sign-up form is served here: each series links to it. */
  signUp?: boolean;
  /** The preview's clock: which sends are still moving. */
  now: Date;
}

function signUpLine(id: string): SafeHtml {
  return html`<p class="small try" data-testid="sign-up"><b>Try the whole flow:</b> <a href="/subscribe/${encodeURIComponent(id)}">sign up</a> with any address →
    the confirmation lands in the <a href="/outbox">Outbox</a> → open it, follow its link and press the button → lesson 1 lands there too. Sending figures: <a href="/status">Status</a>.</p>`;
}

function seriesSection(config: Config, view: SeriesView, signUp: boolean): SafeHtml {
  if (!view.built) {
    return html`<section class="card" data-series="${view.id}"><h2>${view.id}</h2>${problemList(view.problems, `series/${view.id} does not build`)}${view.problems.length ? '' : html`<p class="muted">Not built: fix the project problems above.</p>`}</section>`;
  }
  const { course, steps, confirm } = view.built;
  const from = course.sender?.name ?? config.sender.name;
  const window = describeWindow(course.sendWindow);
  const firstLesson = firstLessonPromise(course).when;
  return html`<section class="card" data-series="${course.id}">
    <h2>${course.title}</h2>
    <p class="muted small">${course.id} · ${steps.length} lessons · ${course.engine === 'react' ? 'React Email' : 'MJML'} · sent ${window} in each subscriber's time zone (default ${course.timezone})</p>
    <p class="small">${course.description}</p>
    ${signUp ? signUpLine(course.id) : ''}
    <ol class="timeline" data-testid="timeline">
      <li data-kind="confirm"><a class="row" href="/series/${course.id}/confirm">
        <span class="when">On sign-up<small>at once</small></span><span class="from">${from}</span>${inboxLine(config, confirm)}<span class="size">${kb(confirm.message.htmlBytes)}</span>
      </a></li>
      ${steps.map(({ step, ...built }) => {
        const days = step.offsetMinutes / 1440;
        return html`<li data-kind="lesson" data-step="${step.step}" data-day="${days}"><a class="row" href="/series/${course.id}/${step.step}">
          <span class="when">${dayLabel(step.offsetMinutes)}<small>${step.step === 1 ? firstLesson : window}</small></span>
          <span class="from">${from}</span>${inboxLine(config, built)}<span class="size">${kb(built.message.htmlBytes)}</span>
        </a></li>`;
      })}
    </ol>
  </section>`;
}

/**
 * The series page's broadcast list. With the store (dev) it is fetched again from `/?part=broadcasts`
 * every second while a send moves, and once when a send starts or is cancelled (POLL_SCRIPT).
 */
export function seriesBroadcasts(broadcasts: Map<string, BroadcastView>, statuses: Map<string, BroadcastStatus> | undefined, now: Date): SafeHtml {
  if (!broadcasts.size) return html``;
  const draftWhen = (b: BroadcastView) => (b.parsed?.sendAt ? b.parsed.sendAt.toISOString().slice(0, 16).replace('T', ' ') : 'draft');
  const poll = statuses
    ? html` data-poll="/?part=broadcasts" data-live="${String([...broadcasts.keys()].some((slug) => isLive(statuses.get(slug), now)))}"`
    : '';
  return html`<section class="card" data-testid="broadcasts"${poll}><h2>Broadcasts</h2><p class="muted small">One-off messages in broadcasts/, sent to every subscriber (or one series) when you send them.${statuses ? html` Status and sending: <a href="/broadcasts">Broadcasts</a>.` : ''}</p>
    <ol class="timeline">${[...broadcasts.values()].map(
      (b) => html`<li data-broadcast="${b.name}" data-state="${statuses?.get(b.name)?.state ?? 'draft'}"><a class="row" href="/broadcasts/${b.name}">
        <span class="when" data-testid="state">${statuses ? stateLabel(statuses.get(b.name)) : draftWhen(b)}<small>${b.parsed?.series ? `to ${b.parsed.series}` : 'to everyone'}</small></span>
        <span class="from">${b.file}</span>
        <span class="inbox-line"><span class="subject">${b.parsed?.subject ?? '(does not parse)'}</span> <span class="preheader">${b.parsed ? `— ${b.parsed.preheader}` : ''}</span></span>
        <span class="size">${b.problems.length ? `${b.problems.length} problem${b.problems.length === 1 ? '' : 's'}` : b.built ? kb(b.built.message.htmlBytes) : ''}</span>
      </a></li>`,
    )}</ol></section>`;
}

export function seriesPage(builder: PreviewBuilder, opts: SeriesPageOptions): SafeHtml {
  const config = builder.project?.config;
  const views = [...builder.series.values()].sort((a, b) => a.id.localeCompare(b.id));
  return html`<h1>Series</h1>
    <p class="muted">Each series as one subscriber receives it: the confirmation at sign-up, then each lesson on its day, inside the send window.</p>
    ${config ? views.map((v) => seriesSection(config, v, !!opts.signUp)) : ''}
    ${config && !views.length ? html`<p class="card">No series yet: add <code>series/&lt;id&gt;/series.yaml</code> and lessons <code>01-slug.md</code>.</p>` : ''}
    ${seriesBroadcasts(builder.broadcasts, opts.statuses, opts.now)}`;
}
