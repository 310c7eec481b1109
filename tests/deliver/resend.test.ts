import { afterEach, describe, expect, it } from 'vitest';
import { createResendTransport, type ResendTransportOptions } from '../../src/deliver/index.ts';
import { holdOffMs } from '../../src/deliver/resend-errors.ts';
import type { SendOutcome } from '../../src/send/transport.ts';
import { StopRunError } from '../../src/send/transport.ts';
import { CoursemailError } from '../../src/shared/index.ts';
import { startFakeResend, type FakeResend, type FakeResendOptions } from '../support/fake-resend.ts';
import { range, sampleMessage, samplePublicId } from './sample.ts';

let server: FakeResend | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(serverOptions: FakeResendOptions, transportOptions: ResendTransportOptions = {}) {
  server = await startFakeResend(serverOptions);
  const transport = createResendTransport({ apiKey: 're_test', baseUrl: server.url, ...transportOptions });
  return { server, transport };
}

/** Records what the transport asked to wait, and waits only a moment, so tests stay fast. */
function recordingSleep() {
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
    await new Promise((r) => setTimeout(r, Math.min(ms, 2)));
  };
  return { waits, sleep };
}

const batchOf = (ids: number[]) => ids.map((i) => sampleMessage(i));
const chunk = <T>(xs: T[], n: number) => range(Math.ceil(xs.length / n)).map((i) => xs.slice(i * n, i * n + n));
const sentCount = (outcomes: SendOutcome[]) => outcomes.filter((o) => o.status === 'sent').length;

/** The most requests whose arrival falls inside any window of `ms`. */
function mostInWindow(times: number[], ms: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j]! - sorted[i]! >= ms) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

function expectEachOnce(server: FakeResend, ids: number[]) {
  const counts = server.countByDelivery();
  expect(counts.size).toBe(ids.length);
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
  expect(server.received).toHaveLength(ids.length);
}

describe('Resend transport (real SDK) against a local Resend-compatible server', () => {
  it('sends 250 messages in batches of ≤100, each received once with headers, tags, sender and both parts', async () => {
    const { server, transport } = await setup({ requestsPerSecond: 20 }, { requestsPerSecond: 20 });
    expect(transport.maxBatch).toBe(100);
    const messages = range(250).map((i) => sampleMessage(i, { tags: { series: 'physician coaching/2025', step: '3' } }));
    const outcomes = (await Promise.all(chunk(messages, 100).map((b, n) => transport.sendBatch(b, `batch-${n}`)))).flat();

    expect(sentCount(outcomes)).toBe(250);
    expectEachOnce(server, range(250));
    expect(server.requests.map((r) => r.idempotencyKey).sort()).toEqual(['batch-0', 'batch-1', 'batch-2']);
    const byDelivery = new Map(server.received.map((r) => [r.deliveryId, r]));
    for (const o of outcomes) expect(o.status === 'sent' && o.providerId).toBe(byDelivery.get(samplePublicId(o.id))?.id);

    const email = byDelivery.get('public-7')!.email;
    expect(email).toMatchObject({
      from: 'Physician Coaching Practice <coach@coach.example.com>',
      to: ['subscriber7@example.org'],
      reply_to: 'reply@coach.example.com',
      subject: 'Lesson 1: the first conversation (7)',
      text: expect.stringContaining('https://coach.example.com/u/token-7'),
      html: expect.stringContaining('href="https://coach.example.com/u/token-7"'),
      headers: {
        'List-Unsubscribe': '<https://coach.example.com/u/token-7>',
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        'X-Coursemail-Delivery': 'public-7',
      },
      tags: [
        { name: 'series', value: 'physician_coaching_2025' },
        { name: 'step', value: '3' },
      ],
    });
  });

  it('quotes a display name with a comma or quotes, and flattens line breaks in subject and name', async () => {
    const { server, transport } = await setup({ requestsPerSecond: null }, { requestsPerSecond: null });
    const message = sampleMessage(1, {
      from: { name: 'Dr. Ana "Coach" Smith, MD\r\nBcc: x@evil.example', email: 'coach@coach.example.com' },
      subject: 'Lesson 2\r\nBcc: x@evil.example',
    });
    expect(sentCount(await transport.sendBatch([message], 'k'))).toBe(1);
    expect(server.received[0]?.email).toMatchObject({
      from: '"Dr. Ana \\"Coach\\" Smith, MD Bcc: x@evil.example" <coach@coach.example.com>',
      subject: 'Lesson 2 Bcc: x@evil.example',
    });
  });

  it('paces every caller together: never more than N requests in any second, one after another', async () => {
    const rps = 10;
    const { server, transport } = await setup({ requestsPerSecond: rps }, { requestsPerSecond: rps });
    const started = performance.now();
    const outcomes = (await Promise.all(range(16).map((i) => transport.sendBatch([sampleMessage(i)], `k-${i}`)))).flat();
    const elapsed = performance.now() - started;

    expect(sentCount(outcomes)).toBe(16);
    expect(server.requests.filter((r) => r.status === 429)).toHaveLength(0);
    expect(
      mostInWindow(
        server.requests.map((r) => r.at),
        1000,
      ),
    ).toBeLessThanOrEqual(rps);
    // 15 gaps of 1/rps at least: the calls waited their turn. No upper bound: speed is for bench/.
    expect(elapsed).toBeGreaterThanOrEqual(1500);
  });

  it('a 429 with retry-after holds back every caller for that long, then all are delivered once', async () => {
    // The client is unpaced; the server allows 2 a second: 2 pass, 2 are told to wait 1 s.
    const { server, transport } = await setup({ requestsPerSecond: 2 }, { requestsPerSecond: null });
    const outcomes = (await Promise.all(range(4).map((i) => transport.sendBatch([sampleMessage(i)], `k-${i}`)))).flat();

    expect(sentCount(outcomes)).toBe(4);
    expectEachOnce(server, range(4));
    const refused = server.requests.filter((r) => r.error === 'rate_limit_exceeded');
    expect(refused.length).toBeGreaterThanOrEqual(1);
    const firstRefusal = Math.min(...refused.map((r) => r.at));
    const after = server.requests.filter((r) => r.at > firstRefusal && r.status === 200);
    expect(after.length).toBeGreaterThanOrEqual(1);
    // retry-after: 1 (whole seconds, rounded up from what remained of the window).
    for (const r of after) expect(r.at - firstRefusal).toBeGreaterThanOrEqual(990);
  });

  it('a burst of forced 429s: waits what retry-after says each time, then sends once', async () => {
    const { waits, sleep } = recordingSleep();
    const { server, transport } = await setup(
      { requestsPerSecond: null, faults: { rateLimitBurst: 2, retryAfterSeconds: 2 } },
      { requestsPerSecond: null, sleep },
    );
    const outcomes = await transport.sendBatch(batchOf(range(5)), 'k');

    expect(sentCount(outcomes)).toBe(5);
    expect(server.requests.map((r) => r.status)).toEqual([429, 429, 200]);
    expect(waits.filter((ms) => ms >= 1990)).toHaveLength(2);
    expectEachOnce(server, range(5));
  });

  it('500s are retried with growing, jittered backoff and every message lands once', async () => {
    const { waits, sleep } = recordingSleep();
    const { server, transport } = await setup(
      { requestsPerSecond: null, faults: { error500Rate: 0.4 }, seed: 7 },
      { requestsPerSecond: null, sleep, backoffMs: 100, maxRetries: 10 },
    );
    const outcomes = [];
    for (const [n, b] of chunk(batchOf(range(200)), 20).entries()) outcomes.push(...(await transport.sendBatch(b, `k-${n}`)));

    expect(sentCount(outcomes)).toBe(200);
    expectEachOnce(server, range(200));
    const failures = server.requests.filter((r) => r.status === 500).length;
    expect(failures).toBeGreaterThan(0);
    expect(waits).toHaveLength(failures);
    for (const w of waits) expect(w).toBeGreaterThanOrEqual(50);
    expect(Math.max(...waits)).toBeGreaterThan(100);
  });

  it('still failing after maxRetries: every message comes back as retry with the reason', async () => {
    const { waits, sleep } = recordingSleep();
    const { server, transport } = await setup({ requestsPerSecond: null, faults: { error500Rate: 1 } }, { requestsPerSecond: null, sleep, maxRetries: 2 });
    const outcomes = await transport.sendBatch(batchOf([1, 2]), 'k');

    expect(outcomes).toEqual(
      [1, 2].map((i) => ({ id: `delivery-${i}`, status: 'retry', permanent: false, reason: expect.stringMatching(/500 internal_server_error.*3 attempts/) })),
    );
    expect(server.requests).toHaveLength(3);
    expect(waits).toHaveLength(2);
    expect(waits[1]!).toBeGreaterThanOrEqual(500);
  });

  it('responses lost to connection resets: the retry under the same key is replayed, nothing sent twice', async () => {
    const { sleep } = recordingSleep();
    const { server, transport } = await setup(
      { requestsPerSecond: null, faults: { resetRate: 0.5 }, seed: 3 },
      { requestsPerSecond: null, sleep, maxRetries: 10 },
    );
    const outcomes = [];
    for (const [n, b] of chunk(batchOf(range(100)), 10).entries()) outcomes.push(...(await transport.sendBatch(b, `k-${n}`)));

    expect(sentCount(outcomes)).toBe(100);
    expectEachOnce(server, range(100));
    expect(server.requests.filter((r) => r.status === 'reset').length).toBeGreaterThan(0);
    expect(server.requests.filter((r) => r.result === 'replayed').length).toBeGreaterThan(0);
    const ids = new Map(server.received.map((r) => [r.deliveryId, r.id]));
    for (const o of outcomes) expect(o.status === 'sent' && o.providerId).toBe(ids.get(samplePublicId(o.id)));
  });

  it('a response slower than the timeout: retried, told the key is in flight, then replayed — sent once', async () => {
    const { server, transport } = await setup(
      { requestsPerSecond: null, faults: { delayMs: 400 } },
      { requestsPerSecond: null, timeoutMs: 150, backoffMs: 100, maxRetries: 8 },
    );
    const outcomes = await transport.sendBatch(batchOf(range(3)), 'slow');

    expect(sentCount(outcomes)).toBe(3);
    expectEachOnce(server, range(3));
    expect(server.requests.some((r) => r.error === 'concurrent_idempotent_requests')).toBe(true);
    expect(server.requests.at(-1)?.result).toBe('replayed');
  });

  it('the same batch sent again under its key is not sent twice and gets the same ids', async () => {
    const { server, transport } = await setup({ requestsPerSecond: null }, { requestsPerSecond: null });
    const first = await transport.sendBatch(batchOf(range(3)), 'claimed-batch-42');
    const again = await transport.sendBatch(batchOf(range(3)), 'claimed-batch-42');
    expect(again).toEqual(first);
    expectEachOnce(server, range(3));
  });

  it('a different payload under a used key is refused: failed permanently with Resend’s message, nothing sent', async () => {
    const { server, transport } = await setup({ requestsPerSecond: null }, { requestsPerSecond: null });
    await transport.sendBatch(batchOf(range(2)), 'k');
    const changed = await transport.sendBatch([sampleMessage(0, { subject: 'Edited after the crash' }), sampleMessage(1)], 'k');
    for (const o of changed) {
      expect(o).toMatchObject({ status: 'failed', permanent: true, reason: expect.stringContaining('409 invalid_idempotent_request') });
    }
    expect(server.received).toHaveLength(2);
  });

  it('an unverified sender domain (403) stops the run with Resend’s message, nothing marked failed', async () => {
    const { server, transport } = await setup({ requestsPerSecond: null, verifiedDomains: ['other.example'] }, { requestsPerSecond: null });
    const sending = transport.sendBatch(batchOf(range(2)), 'k');
    await expect(sending).rejects.toThrow(StopRunError);
    await expect(sending).rejects.toThrow(/domain is verified.*403 validation_error: The coach\.example\.com domain is not verified/);
    expect(server.requests).toHaveLength(1);
  });

  it('a 503 from a proxy ({"message": …}, no name) is retried under the same key: sent exactly once', async () => {
    const { waits, sleep } = recordingSleep();
    const { server, transport } = await setup(
      { requestsPerSecond: null, faults: { answers: [{ status: 503, body: '{"message":"upstream connect error"}' }] } },
      { requestsPerSecond: null, sleep },
    );
    const outcomes = await transport.sendBatch(batchOf(range(2)), 'k-503');

    expect(sentCount(outcomes)).toBe(2);
    expect(server.requests.map((r) => [r.status, r.idempotencyKey])).toEqual([
      [503, 'k-503'],
      [200, 'k-503'],
    ]);
    expect(waits).toHaveLength(1);
    expectEachOnce(server, range(2));
  });

  it('a 422 fails the batch with Resend’s own message, without retrying', async () => {
    const body = JSON.stringify({ name: 'validation_error', message: 'Invalid `to` field. The email address needs to follow the `email@example.com` format.' });
    const { server, transport } = await setup({ requestsPerSecond: null, faults: { answers: [{ status: 422, body }] } }, { requestsPerSecond: null });
    const outcomes = await transport.sendBatch(batchOf(range(2)), 'k');
    for (const o of outcomes) {
      expect(o).toEqual({
        id: o.id,
        status: 'failed',
        permanent: true,
        reason: 'Resend 422 validation_error: Invalid `to` field. The email address needs to follow the `email@example.com` format.',
      });
    }
    expect(server.requests).toHaveLength(1);
  });

  it('bodies not in Resend’s shape are read by status and quoted briefly: an HTML 502 retried, problem+json 400 and an empty 404 failed', async () => {
    const { sleep } = recordingSleep();
    const page = `<html><head><style>p{}</style></head><body><h1>502 Bad Gateway</h1><p>${'nginx '.repeat(60)}</p></body></html>`;
    const { server, transport } = await setup(
      {
        requestsPerSecond: null,
        faults: {
          answers: [
            { status: 502, body: page, contentType: 'text/html' },
            { status: 400, body: '{"type":"about:blank","title":"Bad Request","detail":"body is not an array"}', contentType: 'application/problem+json' },
            { status: 404, body: '' },
          ],
        },
      },
      { requestsPerSecond: null, sleep },
    );
    const [problem] = await transport.sendBatch(batchOf([1]), 'a');
    expect(server.requests.map((r) => r.status)).toEqual([502, 400]);
    expect(problem).toMatchObject({ status: 'failed', reason: 'Resend 400: “body is not an array”' });
    const [empty] = await transport.sendBatch(batchOf([2]), 'b');
    expect(empty).toMatchObject({ status: 'failed', reason: 'Resend 404: (empty body)' });
    expect(server.received).toHaveLength(0);
  });

  it('a 403 page from a proxy and a bare 401 stop the run by their status alone, quoting what came back', async () => {
    const { transport } = await setup({
      requestsPerSecond: null,
      faults: {
        answers: [
          { status: 403, body: '<html><body><h1>Access denied</h1></body></html>', contentType: 'text/html' },
          { status: 401, body: '' },
        ],
      },
    });
    await expect(transport.sendBatch(batchOf([1]), 'a')).rejects.toThrow(/^Resend refused the request \(403\): .* Resend 403: “Access denied”$/);
    await expect(transport.sendBatch(batchOf([1]), 'b')).rejects.toThrow(
      /^Resend refused the API key \(401\): check RESEND_API_KEY\. Resend 401: \(empty body\)$/,
    );
  });

  it('a 502 HTML page is described in one short line', async () => {
    const page = `<html><body><h1>502 Bad Gateway</h1><p>${'nginx '.repeat(60)}</p></body></html>`;
    const { transport } = await setup(
      { requestsPerSecond: null, faults: { answers: [{ status: 502, body: page, contentType: 'text/html' }] } },
      { requestsPerSecond: null, maxRetries: 0 },
    );
    const [o] = await transport.sendBatch(batchOf([1]), 'k');
    expect(o).toMatchObject({ status: 'retry', reason: expect.stringMatching(/^Resend 502: “502 Bad Gateway nginx nginx .*…” \(after 1 attempts\)$/) });
    expect((o as { reason: string }).reason.length).toBeLessThan(220);
  });

  it('a batch answer with fewer ids than emails: all recorded as sent (ids by position), a warning names the key, nothing resent', async () => {
    const warnings: string[] = [];
    const { server, transport } = await setup(
      { requestsPerSecond: null, faults: { missingIds: 1 } },
      { requestsPerSecond: null, warn: (l) => warnings.push(l) },
    );
    const outcomes = await transport.sendBatch(batchOf(range(3)), 'short-key');

    expect(outcomes.map((o) => o.status)).toEqual(['sent', 'sent', 'sent']);
    const ids = new Map(server.received.map((r) => [r.deliveryId, r.id]));
    expect(outcomes[0]).toMatchObject({ providerId: ids.get('public-0') });
    expect(outcomes[1]).toMatchObject({ providerId: ids.get('public-1') });
    expect(outcomes[2]).toMatchObject({ providerId: null, note: expect.stringContaining('short-key') });
    expect(warnings).toEqual([expect.stringContaining('batch key short-key but answered 2 ids for 3 messages')]);
    expect(server.requests).toHaveLength(1);
    expectEachOnce(server, range(3));
  });

  it('daily quota exceeded stops the run at once', async () => {
    const { server, transport } = await setup({ requestsPerSecond: null, faults: { dailyQuotaExceeded: true } }, { requestsPerSecond: null });
    const sending = transport.sendBatch(batchOf(range(2)), 'k');
    await expect(sending).rejects.toThrow(StopRunError);
    await expect(sending).rejects.toThrow(/daily_quota_exceeded/);
    expect(server.requests).toHaveLength(1);
  });

  it('a refused API key stops the run', async () => {
    const { transport } = await setup({ requestsPerSecond: null, apiKey: 're_other' }, { requestsPerSecond: null });
    await expect(transport.sendBatch(batchOf([1]), 'k')).rejects.toThrow(
      /^Resend refused the API key \(403\): check RESEND_API_KEY\. Resend 403 invalid_api_key: API key is invalid\.$/,
    );
  });

  it('refuses, before any request, a message without a text part or the one-click headers, and batches over 100', async () => {
    const { server, transport } = await setup({ requestsPerSecond: null }, { requestsPerSecond: null });
    await expect(transport.sendBatch([sampleMessage(1), sampleMessage(2, { text: '  ' })], 'k')).rejects.toThrow(/plain-text part is empty/);
    await expect(transport.sendBatch([sampleMessage(1, { headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } })], 'k')).rejects.toThrow(
      /List-Unsubscribe header/,
    );
    await expect(transport.sendBatch(batchOf(range(101)), 'k')).rejects.toThrow(CoursemailError);
    expect(server.requests).toHaveLength(0);
  });

  it('reads RESEND_API_KEY and RESEND_BASE_URL from the environment, and says what to do without a key', async () => {
    server = await startFakeResend({ requestsPerSecond: null });
    const transport = createResendTransport({ env: { RESEND_API_KEY: 're_env', RESEND_BASE_URL: `${server.url}/` } });
    expect(sentCount(await transport.sendBatch(batchOf([1]), 'k'))).toBe(1);
    expect(() => createResendTransport({ env: {} })).toThrow(/RESEND_API_KEY is not set/);
  });
});

describe('reading the server’s pause instructions', () => {
  it('retry-after in seconds or as a date; ratelimit-reset only when nothing remains', () => {
    const now = Date.parse('2025-03-04T14:00:00Z');
    expect(holdOffMs({ 'retry-after': '2' }, now)).toBe(2000);
    expect(holdOffMs({ 'retry-after': 'Tue, 04 Mar 2025 14:00:03 GMT' }, now)).toBe(3000);
    expect(holdOffMs({ 'ratelimit-remaining': '0', 'ratelimit-reset': '0.25' }, now)).toBe(250);
    expect(holdOffMs({ 'ratelimit-remaining': '3', 'ratelimit-reset': '1' }, now)).toBeUndefined();
    expect(holdOffMs(null, now)).toBeUndefined();
  });
});
