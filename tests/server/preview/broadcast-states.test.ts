import { describe, expect, it } from 'vitest';
import type { BroadcastStatus } from '../../../src/broadcast/index.ts';
import { sendingCard, stateLabel } from '../../../src/server/preview/broadcast-pages.ts';
import type { BroadcastView } from '../../../src/server/preview/broadcasts.ts';
import type { Broadcast } from '../../../src/store/index.ts';

const NOW = new Date('2026-12-01T09:05:00Z');
const view = { name: 'news', file: 'broadcasts/news.md', built: {} as BroadcastView['built'], problems: [] } satisfies BroadcastView;

function status(state: Broadcast['status'], counts: { sent: number; queued: number; sending: number }, over: Partial<Broadcast> = {}): BroadcastStatus {
  const broadcast: Broadcast = {
    id: '7',
    slug: 'news',
    contentHash: 'h',
    subject: 'News',
    seriesId: null,
    status: state,
    sendAt: null,
    total: 2,
    createdAt: NOW,
    startedAt: NOW,
    finishedAt: null,
    ...over,
  };
  return { slug: 'news', file: view.file, state, changed: false, progress: { broadcast, total: 2, failed: 0, cancelled: 0, due: counts.queued, ...counts } };
}

/** The state label and the actions the card offers, as a person reads them. */
function card(s: BroadcastStatus | undefined) {
  const h = sendingCard('news', s, view, 'coach@example.com', NOW).value;
  return { label: /data-testid="broadcast-state"[^>]*>([^<]*)</.exec(h)?.[1], actions: [...h.matchAll(/data-testid="action-(\w+)"/g)].map((m) => m[1]) };
}

describe('a broadcast’s state, exact in every view', () => {
  it('draft, scheduled, sending x/y, sent with its time, cancelled — and no send or resume button while it sends', () => {
    expect(card(undefined)).toEqual({ label: 'draft', actions: ['test', 'send'] });
    expect(card(status('scheduled', { sent: 0, queued: 0, sending: 0 }, { sendAt: new Date('2026-12-24T09:00:00Z'), total: null }))).toEqual({
      label: 'scheduled 2026-12-24 09:00 UTC',
      actions: ['test', 'cancel'],
    });
    expect(card(status('sending', { sent: 1, queued: 0, sending: 1 }))).toEqual({ label: 'sending 1/2', actions: ['test', 'cancel'] });
    expect(card(status('sent', { sent: 2, queued: 0, sending: 0 }, { finishedAt: new Date('2026-12-01T09:02:00Z') }))).toEqual({
      label: 'sent 2/2 at 2026-12-01 09:02 UTC',
      actions: ['test'],
    });
    expect(stateLabel(status('cancelled', { sent: 1, queued: 0, sending: 0 }))).toBe('cancelled (1/2 sent)');
  });
});
