import { afterEach, describe, expect, it } from 'vitest';
import { startFakeResend, type FakeResend } from '../support/fake-resend.ts';

let server: FakeResend | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const email = (i: number, over: Record<string, unknown> = {}) => ({
  from: 'Coach <coach@coach.example.com>',
  to: [`s${i}@example.org`],
  subject: 'Hello',
  text: 'Hello',
  headers: { 'X-Coursemail-Delivery': `d-${i}` },
  ...over,
});

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${server!.url}${path}`, {
    method: 'POST',
    headers: { authorization: 'Bearer re_test', 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

describe('the local Resend-compatible server', () => {
  it('validates like Resend and answers errors as { statusCode, name, message }', async () => {
    // These requests break Resend's OpenAPI document on purpose: kept, not failed on close.
    server = await startFakeResend({ requestsPerSecond: null, spec: 'record' });
    expect(await post('/emails', email(1, { from: undefined }))).toMatchObject({
      status: 422,
      body: { statusCode: 422, name: 'missing_required_field', message: 'Missing `from` field.' },
    });
    const tooMany = Array.from({ length: 51 }, (_, i) => `r${i}@example.org`);
    expect((await post('/emails', email(1, { to: tooMany }))).body.message).toMatch(/maximum is 50/);
    expect((await post('/emails/batch', [email(1), email(2, { tags: [{ name: 'series', value: 'a b' }] })])).body).toMatchObject({
      name: 'validation_error',
      message: expect.stringMatching(/^emails\[1\]: Tags should only contain/),
    });
    expect(
      (
        await post(
          '/emails/batch',
          Array.from({ length: 101 }, (_, i) => email(i)),
        )
      ).body.message,
    ).toMatch(/maximum is 100/);
    expect((await post('/emails/batch', [email(1, { attachments: [] })])).body.message).toMatch(/attachments/);
    const noKey = await fetch(`${server.url}/emails`, { method: 'POST', body: '{}' });
    expect(noKey.status).toBe(401);
    expect(server.received).toHaveLength(0);

    const ok = await post('/emails/batch', [email(1), email(2)]);
    expect(ok.status).toBe(200);
    expect((ok.body.data as { id: string }[]).map((d) => d.id)).toEqual(server.received.map((r) => r.id));
    expect(server.received.map((r) => r.deliveryId)).toEqual(['d-1', 'd-2']);
    // Checked against Resend's own document too: the missing `from`, 51 recipients, the
    // request without a key or Content-Type; the conforming ones counted by operation.
    const broken = server.specViolations.flatMap((v) => v.problems);
    expect(broken).toEqual(
      expect.arrayContaining([
        "POST /emails: body must have required property 'from'",
        'POST /emails: body/to must NOT have more than 50 items',
        'POST /emails: no bearer token in Authorization',
      ]),
    );
    expect(server.specOperations.get('emails/send-batch')).toBeGreaterThanOrEqual(1);
  });

  it('a request that breaks Resend’s OpenAPI document fails the test on close, saying what broke it', async () => {
    server = await startFakeResend({ requestsPerSecond: null });
    // `replyTo` passes the fake's own checks (it reads `reply_to`); the document names no such field.
    expect((await post('/emails/batch', [email(1, { replyTo: 'r@coach.example.com' })], { 'idempotency-key': 'k'.repeat(257) })).status).toBe(400);
    const closing = server.close();
    server = undefined;
    await expect(closing).rejects.toThrow(
      /1 request\(s\) that break Resend's OpenAPI document:\n {2}POST \/emails\/batch: header Idempotency-Key .*256.*\n {2}POST \/emails\/batch: body\/0 must NOT have additional properties \(replyTo\)/,
    );
  });

  it('same key and body → the same answer and nothing re-sent; same key, other body → 409', async () => {
    server = await startFakeResend({ requestsPerSecond: null });
    const first = await post('/emails/batch', [email(1), email(2)], { 'idempotency-key': 'k1' });
    const replay = await post('/emails/batch', [email(1), email(2)], { 'idempotency-key': 'k1' });
    expect(replay).toMatchObject({ status: 200, body: first.body });
    expect(server.received).toHaveLength(2);
    expect(server.requests.map((r) => r.result)).toEqual(['accepted', 'replayed']);

    const changed = await post('/emails/batch', [email(1, { subject: 'Changed' }), email(2)], { 'idempotency-key': 'k1' });
    expect(changed).toMatchObject({ status: 409, body: { name: 'invalid_idempotent_request' } });
    expect(server.received).toHaveLength(2);
  });

  it('a key still in flight is answered 409 concurrent_idempotent_requests', async () => {
    server = await startFakeResend({ requestsPerSecond: null, faults: { delayMs: 200 } });
    const slow = post('/emails', email(1), { 'idempotency-key': 'k' });
    await new Promise((r) => setTimeout(r, 50));
    expect((await post('/emails', email(1), { 'idempotency-key': 'k' })).body.name).toBe('concurrent_idempotent_requests');
    expect((await slow).status).toBe(200);
    expect(server.received).toHaveLength(1);
  });

  it('over the rate: 429 rate_limit_exceeded with retry-after and ratelimit-* headers', async () => {
    server = await startFakeResend({ requestsPerSecond: 2 });
    const a = await post('/emails', email(1));
    const b = await post('/emails', email(2));
    const c = await post('/emails', email(3));
    expect([a.status, b.status, c.status]).toEqual([200, 200, 429]);
    expect(a.headers.get('ratelimit-limit')).toBe('2');
    expect(a.headers.get('ratelimit-remaining')).toBe('1');
    expect(b.headers.get('ratelimit-remaining')).toBe('0');
    // Seconds until the first of the two leaves the window, to the millisecond.
    const [ra, rb] = server.requests;
    expect(Number(b.headers.get('ratelimit-reset'))).toBeCloseTo((ra!.at + 1000 - rb!.at) / 1000, 2);
    expect(c.body).toMatchObject({ statusCode: 429, name: 'rate_limit_exceeded' });
    expect(c.headers.get('retry-after')).toBe('1');
    expect(server.received.map((r) => r.deliveryId)).toEqual(['d-1', 'd-2']);
  });

  it('fault switches: forced 429 burst, 500s, daily quota', async () => {
    server = await startFakeResend({ requestsPerSecond: null, faults: { rateLimitBurst: 1, retryAfterSeconds: 3 } });
    const burst = await post('/emails', email(1));
    expect([burst.status, burst.headers.get('retry-after')]).toEqual([429, '3']);
    expect((await post('/emails', email(1))).status).toBe(200);
    server.setFaults({ error500Rate: 1 });
    expect(await post('/emails', email(2))).toMatchObject({ status: 500, body: { name: 'internal_server_error' } });
    server.setFaults({ dailyQuotaExceeded: true });
    expect(await post('/emails', email(3))).toMatchObject({ status: 429, body: { name: 'daily_quota_exceeded' } });
    server.setFaults({ resetRate: 1 });
    await expect(post('/emails', email(4))).rejects.toThrow();
    // The reset came after acceptance: delivered, but the client never heard.
    expect(server.received.map((r) => r.deliveryId)).toEqual(['d-1', 'd-4']);
  });
});
