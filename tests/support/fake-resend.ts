/**
 * A local server that answers POST /emails and POST /emails/batch the way Resend does, for
 * tests and benchmarks that drive the real `resend` SDK (point it here with `baseUrl` or
 * RESEND_BASE_URL). What it models:
 * - validation with Resend-shaped errors `{ statusCode, name, message }`: from, to, subject
 *   and html-or-text required, ≤50 addresses in `to`, tags `[A-Za-z0-9_-]`, ≤100 emails a
 *   batch, no attachments or scheduled_at in a batch (strict batch validation only);
 * - `Idempotency-Key`: same key + same body → the stored response again, nothing re-sent;
 *   same key + different body → 409 invalid_idempotent_request; key still being processed →
 *   409 concurrent_idempotent_requests. Only successful responses are stored (24 h at Resend,
 *   the server's lifetime here);
 * - a rate limit of N requests in any sliding 1000 ms window (`requestsPerSecond`, default 5,
 *   null: none). Every admitted request carries `ratelimit-limit`, `ratelimit-remaining` and
 *   `ratelimit-reset`; refused ones get 429 rate_limit_exceeded with `retry-after` (whole
 *   seconds, as Resend). `ratelimit-reset` is given to the millisecond (e.g. `0.183`) where
 *   Resend gives whole seconds, so a client that honours it is not slowed by rounding;
 * - fault switches (`faults`, `setFaults`), drawn from a seeded generator so runs repeat.
 *
 * Every request is also checked against Resend's OpenAPI document (resend-spec.ts). What
 * breaks it is kept in `specViolations`, and `close()` then rejects, failing the test that
 * sent it: so every test that drives the project's Resend transport here checks its requests.
 * `spec: 'record'` only keeps them, for tests that send broken requests on purpose.
 *
 * Counting: `received` holds each email accepted, once — an idempotent replay adds nothing —
 * with `deliveryId` read from the `X-Coursemail-Delivery` header every coursemail transport
 * sets, so a test finds duplicates by counting delivery ids (`countByDelivery`).
 */
import { fakeDomains, type FakeDomain } from './fake-resend-domains.ts';
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadResendSpec, type ResendSpec, type SpecRequest } from './resend-spec.ts';

export interface FakeResendFaults {
  /** Fraction (0–1) of admitted requests answered 500 before anything is accepted. */
  error500Rate?: number;
  /** The next N requests are answered 429 rate_limit_exceeded, whatever the rate (a burst). */
  rateLimitBurst?: number;
  /** `retry-after` seconds on those forced 429s (default 1). */
  retryAfterSeconds?: number;
  /** Accepted requests complete (and are answered) this long after arrival; the key stays in flight meanwhile. */
  delayMs?: number;
  /** Fraction (0–1) of accepted requests whose connection is destroyed instead of answered: sent, but the client never hears. */
  resetRate?: number;
  /** The next N accepted requests are reset that way, whatever `resetRate` draws (a burst). */
  resetBurst?: number;
  /** Every request is answered 429 daily_quota_exceeded. */
  dailyQuotaExceeded?: boolean;
  /** The next requests are answered with these raw answers, in order, nothing accepted (a proxy's 503, a bare 422…). */
  answers?: { status: number; body: string; contentType?: string }[];
  /** Accepted batches are answered with this many ids fewer than emails (as the spec's own example). */
  missingIds?: number;
}

export interface FakeResendOptions {
  requestsPerSecond?: number | null;
  faults?: FakeResendFaults;
  /** Seed of the generator behind the fault fractions (default 1). */
  seed?: number;
  /** The account's domains, answered on GET /domains and GET /domains/{id} (see fake-resend-domains.ts). */
  domains?: FakeDomain[];
  /** Keys with sending access only: refused with 401 restricted_api_key on anything but sending. */
  sendingOnlyKeys?: string[];
  /** If set, other bearer tokens are refused with 403 invalid_api_key. */
  apiKey?: string;
  /** Keep each accepted email's JSON in `received` (default true); false keeps only ids, for big runs. */
  keepEmails?: boolean;
  /** If set, a `from` on another domain is refused with 403 validation_error, as Resend does for unverified domains. */
  verifiedDomains?: string[];
  /** 'enforce' (default): a request that breaks Resend's OpenAPI document makes `close()` reject. 'record': only kept. */
  spec?: 'enforce' | 'record';
}

export interface SpecViolation {
  method: string;
  path: string;
  problems: string[];
}

/** An email as Resend's API takes it (snake_case JSON). */
export interface ApiEmail {
  from?: string;
  to?: string | string[];
  subject?: string;
  html?: string;
  text?: string;
  reply_to?: string | string[];
  headers?: Record<string, string>;
  tags?: { name: string; value: string }[];
  attachments?: unknown[];
  scheduled_at?: string;
  [field: string]: unknown;
}

export interface ReceivedEmail {
  id: string;
  deliveryId: string | undefined;
  idempotencyKey: string | undefined;
  /** The bearer token of the request that carried it: tells worker processes apart when each has its own key. */
  apiKey: string | undefined;
  /** Epoch milliseconds, sub-millisecond precision, monotonic. */
  at: number;
  /** Absent when the server was started with `keepEmails: false`. */
  email?: ApiEmail;
}

export interface LoggedRequest {
  /** Arrival, epoch milliseconds, sub-millisecond precision, monotonic. */
  at: number;
  path: string;
  idempotencyKey: string | undefined;
  /** The bearer token it carried. */
  apiKey: string | undefined;
  /** False while the request is being processed (read, delayed); true once answered or reset. */
  answered: boolean;
  /** When it was answered or reset (epoch ms, as `at`). */
  answeredAt?: number;
  /** 'reset' when the connection was destroyed instead of answered. */
  status: number | 'reset';
  /** accepted: emails delivered; replayed: stored response returned; rejected: an error answer. */
  result: 'accepted' | 'replayed' | 'rejected';
  /** The Resend error name when rejected. */
  error?: string;
  /** True when the request passed the rate limiter (it counts against the window). */
  admitted: boolean;
  emails: number;
}

export interface FakeResend {
  url: string;
  received: ReceivedEmail[];
  requests: LoggedRequest[];
  /** Requests that broke Resend's OpenAPI document, with what broke it. */
  specViolations: SpecViolation[];
  /** Operation ids (e.g. `emails/send-batch`) of the requests that conformed, counted. */
  specOperations: Map<string, number>;
  /** Replaces the fault switches (`setFaults({})` turns them all off). */
  setFaults(faults: FakeResendFaults): void;
  setRequestsPerSecond(rps: number | null): void;
  countByDelivery(): Map<string, number>;
  /** Replaces the account's domains. */
  setDomains(domains: FakeDomain[]): void;
  close(): Promise<void>;
}

const WINDOW_MS = 1000;
const MAX_BODY = 50 * 1024 * 1024;
const TAG = /^[A-Za-z0-9_-]{1,256}$/;
const ADDRESS = /^(?:[^<>]*<\s*([^<>\s]+@[^<>\s]+\.[^<>\s]+)\s*>|([^<>\s,]+@[^<>\s,]+\.[^<>\s,]+))$/;

class ApiError {
  constructor(
    readonly status: number,
    readonly name: string,
    readonly message: string,
  ) {}
}

const now = () => performance.timeOrigin + performance.now();
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const asList = (v: string | string[]) => (Array.isArray(v) ? v : [v]);

/** mulberry32: a tiny seeded generator, so a fault fraction hits the same requests each run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function validateEmail(e: unknown, inBatch: boolean): void {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) throw new ApiError(422, 'validation_error', 'Each email must be a JSON object.');
  const email = e as ApiEmail;
  for (const field of ['from', 'to', 'subject'] as const) {
    if (email[field] === undefined || email[field] === '') throw new ApiError(422, 'missing_required_field', `Missing \`${field}\` field.`);
  }
  if (typeof email.html !== 'string' && typeof email.text !== 'string') {
    throw new ApiError(422, 'missing_required_field', 'Missing `html` or `text` field.');
  }
  const invalid = (field: string) =>
    new ApiError(
      422,
      'validation_error',
      `Invalid \`${field}\` field. The email address needs to follow the \`email@example.com\` or \`Name <email@example.com>\` format.`,
    );
  if (typeof email.from !== 'string' || !ADDRESS.test(email.from.trim())) throw invalid('from');
  const to = email.to as string | string[];
  if (asList(to).length > 50) throw new ApiError(422, 'validation_error', 'Too many recipients in `to`: the maximum is 50.');
  if (asList(to).some((a) => typeof a !== 'string' || !ADDRESS.test(a.trim()))) throw invalid('to');
  if (email.reply_to !== undefined && asList(email.reply_to).some((a) => typeof a !== 'string' || !ADDRESS.test(a.trim()))) throw invalid('reply_to');
  if (typeof email.subject !== 'string') throw new ApiError(422, 'validation_error', 'The `subject` field must be a string.');
  for (const [name, value] of Object.entries(email.headers ?? {})) {
    if (typeof value !== 'string' || /[\r\n]/.test(value) || /[\r\n:]/.test(name)) {
      throw new ApiError(422, 'validation_error', `Invalid header \`${name}\`: names and values must be single-line strings.`);
    }
  }
  for (const tag of email.tags ?? []) {
    if (!TAG.test(String(tag?.name)) || !TAG.test(String(tag?.value))) {
      throw new ApiError(
        422,
        'validation_error',
        'Tags should only contain ASCII letters (a–z, A–Z), numbers (0–9), underscores (_), or dashes (-), and be at most 256 characters.',
      );
    }
  }
  if (inBatch && email.attachments !== undefined) throw new ApiError(422, 'validation_error', 'The `attachments` field is not supported for batch emails.');
  if (inBatch && email.scheduled_at !== undefined) throw new ApiError(422, 'validation_error', 'The `scheduled_at` field is not supported for batch emails.');
}

function validateBody(path: string, body: unknown): ApiEmail[] {
  if (path === '/emails') {
    validateEmail(body, false);
    return [body as ApiEmail];
  }
  if (!Array.isArray(body) || body.length === 0) throw new ApiError(422, 'validation_error', 'The batch must be a non-empty array of emails.');
  if (body.length > 100) throw new ApiError(422, 'validation_error', `Too many emails in the batch: ${body.length}, the maximum is 100.`);
  body.forEach((e, i) => {
    try {
      validateEmail(e, true);
    } catch (err) {
      if (err instanceof ApiError) throw new ApiError(err.status, err.name, `emails[${i}]: ${err.message}`);
      throw err;
    }
  });
  return body as ApiEmail[];
}

function deliveryIdOf(email: ApiEmail): string | undefined {
  const key = Object.keys(email.headers ?? {}).find((k) => k.toLowerCase() === 'x-coursemail-delivery');
  return key === undefined ? undefined : email.headers?.[key];
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) reject(new ApiError(413, 'validation_error', 'The request body is too large.'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

let spec: ResendSpec | undefined;

type Stored = { state: 'in-flight'; fingerprint: string } | { state: 'done'; fingerprint: string; status: number; body: string };

export async function startFakeResend(options: FakeResendOptions = {}): Promise<FakeResend> {
  const keepEmails = options.keepEmails ?? true;
  let rps = options.requestsPerSecond === undefined ? 5 : options.requestsPerSecond;
  let faults: FakeResendFaults = { ...options.faults, ...(options.faults?.answers ? { answers: [...options.faults.answers] } : {}) };
  const random = seeded(options.seed ?? 1);
  const domains = fakeDomains(options.domains ?? []);
  const received: ReceivedEmail[] = [];
  const requests: LoggedRequest[] = [];
  const keys = new Map<string, Stored>();
  let window: number[] = [];
  const specViolations: SpecViolation[] = [];
  const specOperations = new Map<string, number>();
  const unchecked: SpecRequest[] = [];
  if (!spec) {
    spec = loadResendSpec();
    // Compiles the email operations' validators now, not on the first request.
    for (const path of ['/emails', '/emails/batch']) spec.check({ method: 'POST', path, headers: {}, body: '{}' });
  }
  const record = (request: SpecRequest) => {
    const problems = spec!.check(request);
    if (problems.length) specViolations.push({ method: request.method, path: request.path, problems });
    else {
      const op = spec!.operationOf(request.method, request.path)!;
      specOperations.set(op, (specOperations.get(op) ?? 0) + 1);
    }
  };
  const flush = () => {
    for (const request of unchecked.splice(0)) record(request);
  };

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const json = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(json);
  }

  /** Admits the request into the sliding window, or says how long until a slot frees. */
  function admit(at: number): { ok: boolean; headers: Record<string, string> } {
    if (rps === null) return { ok: true, headers: {} };
    window = window.filter((t) => t > at - WINDOW_MS);
    const ok = window.length < rps;
    if (ok) window.push(at);
    const resetMs = window.length ? Math.max(0, (window[0] ?? at) + WINDOW_MS - at) : 0;
    const headers: Record<string, string> = {
      'ratelimit-limit': String(rps),
      'ratelimit-remaining': String(Math.max(0, rps - window.length)),
      'ratelimit-reset': (resetMs / 1000).toFixed(3),
    };
    if (!ok) headers['retry-after'] = String(Math.max(1, Math.ceil(resetMs / 1000)));
    return { ok, headers };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = now();
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const rawKey = req.headers['idempotency-key'];
    const idempotencyKey = Array.isArray(rawKey) ? rawKey[0] : rawKey;
    const apiKey = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const entry: LoggedRequest = { at, path, idempotencyKey, apiKey, answered: false, status: 200, result: 'rejected', admitted: false, emails: 0 };
    requests.push(entry);
    let limitHeaders: Record<string, string> = {};

    const reject = (err: ApiError, headers: Record<string, string> = {}) => {
      entry.answered = true;
      entry.answeredAt = now();
      entry.status = err.status;
      entry.error = err.name;
      send(res, err.status, { statusCode: err.status, name: err.name, message: err.message }, { ...limitHeaders, ...headers });
    };

    // The domains API (GET, no body): answered before the emails' checks below.
    if (/^\/domains(\/|$)/.test(path)) {
      if (!apiKey) return reject(new ApiError(401, 'missing_api_key', 'Missing API key in the authorization header.'));
      if (options.sendingOnlyKeys?.includes(apiKey)) return reject(new ApiError(401, 'restricted_api_key', 'This API key is restricted to only send emails'));
      if (options.apiKey !== undefined && apiKey !== options.apiKey) return reject(new ApiError(403, 'invalid_api_key', 'API key is invalid.'));
      const answer = domains.answer(req.method ?? 'GET', path, new URL(req.url ?? '/', 'http://fake').searchParams);
      entry.answered = true;
      entry.answeredAt = now();
      entry.status = answer.status;
      return send(res, answer.status, answer.body);
    }

    try {
      const body = await readBody(req);
      // Checked off the answer's path, so the check never shifts what the fake says, or when:
      // a body parsed below, once answered (ajv alone is cheap); one answered before that
      // (a forced 429, a 500, no key), when the results are read (`unchecked`).
      const request: SpecRequest = { method: req.method ?? 'GET', path, headers: { ...req.headers }, body };
      unchecked.push(request);
      if (path !== '/emails' && path !== '/emails/batch') return reject(new ApiError(404, 'not_found', 'The requested endpoint does not exist.'));
      if (req.method !== 'POST') return reject(new ApiError(405, 'method_not_allowed', 'Method is not allowed for the requested path.'));
      const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
      if (!auth) return reject(new ApiError(401, 'missing_api_key', 'Missing API key in the authorization header.'));
      if (options.apiKey !== undefined && auth[1] !== options.apiKey) return reject(new ApiError(403, 'invalid_api_key', 'API key is invalid.'));

      const canned = faults.answers?.shift();
      if (canned) {
        entry.answered = true;
        entry.answeredAt = now();
        entry.status = canned.status;
        res.writeHead(canned.status, { 'content-type': canned.contentType ?? 'application/json' });
        res.end(canned.body);
        return;
      }
      if (faults.dailyQuotaExceeded) {
        return reject(new ApiError(429, 'daily_quota_exceeded', 'You have reached your daily email sending quota.'));
      }
      if ((faults.rateLimitBurst ?? 0) > 0) {
        faults.rateLimitBurst = (faults.rateLimitBurst ?? 0) - 1;
        const wait = String(faults.retryAfterSeconds ?? 1);
        return reject(new ApiError(429, 'rate_limit_exceeded', `Too many requests. You can only make ${rps ?? 5} requests per second.`), {
          'retry-after': wait,
          'ratelimit-limit': String(rps ?? 5),
          'ratelimit-remaining': '0',
          'ratelimit-reset': wait,
        });
      }
      const limit = admit(at);
      limitHeaders = limit.headers;
      if (!limit.ok) {
        return reject(new ApiError(429, 'rate_limit_exceeded', `Too many requests. You can only make ${rps} requests per second.`));
      }
      entry.admitted = true;
      if (random() < (faults.error500Rate ?? 0)) {
        return reject(new ApiError(500, 'internal_server_error', 'An unexpected error occurred.'));
      }

      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        return reject(new ApiError(400, 'validation_error', 'The request body is not valid JSON.'));
      }
      unchecked.splice(unchecked.indexOf(request), 1);
      setImmediate(() => record({ ...request, parsed }));
      if (idempotencyKey !== undefined && (idempotencyKey.length < 1 || idempotencyKey.length > 256)) {
        return reject(new ApiError(400, 'invalid_idempotency_key', 'The key must be between 1-256 chars.'));
      }
      const fingerprint = sha256(`${path}\n${body}`);
      const stored = idempotencyKey === undefined ? undefined : keys.get(idempotencyKey);
      if (stored?.state === 'in-flight') {
        return reject(new ApiError(409, 'concurrent_idempotent_requests', 'Same idempotency key used while original request is still in progress.'));
      }
      if (stored && stored.fingerprint !== fingerprint) {
        return reject(
          new ApiError(
            409,
            'invalid_idempotent_request',
            'Same idempotency key used with a different request payload. Change your idempotency key or payload.',
          ),
        );
      }
      if (stored?.state === 'done') {
        entry.answered = true;
        entry.answeredAt = now();
        entry.status = stored.status;
        entry.result = 'replayed';
        return send(res, stored.status, stored.body, limitHeaders);
      }

      const emails = validateBody(path, parsed);
      for (const email of emails) {
        const match = ADDRESS.exec(String(email.from).trim());
        const domain = (match?.[1] ?? match?.[2] ?? '').split('@')[1] ?? '';
        if (options.verifiedDomains && !options.verifiedDomains.includes(domain)) {
          return reject(
            new ApiError(403, 'validation_error', `The ${domain} domain is not verified. Please, add and verify your domain on https://resend.com/domains`),
          );
        }
      }
      if (idempotencyKey !== undefined) keys.set(idempotencyKey, { state: 'in-flight', fingerprint });
      if (faults.delayMs) await new Promise((r) => setTimeout(r, faults.delayMs));
      const ids = emails.map(() => randomUUID());
      const doneAt = now();
      for (const [i, email] of emails.entries()) {
        received.push({ id: ids[i]!, deliveryId: deliveryIdOf(email), idempotencyKey, apiKey, at: doneAt, ...(keepEmails ? { email } : {}) });
      }
      const answered = ids.slice(0, Math.max(0, ids.length - (faults.missingIds ?? 0)));
      const responseBody = JSON.stringify(path === '/emails' ? { id: ids[0] } : { data: answered.map((id) => ({ id })) });
      if (idempotencyKey !== undefined) keys.set(idempotencyKey, { state: 'done', fingerprint, status: 200, body: responseBody });
      entry.result = 'accepted';
      entry.emails = emails.length;
      entry.answered = true;
      entry.answeredAt = now();
      const burst = (faults.resetBurst ?? 0) > 0;
      if (burst) faults.resetBurst = (faults.resetBurst ?? 0) - 1;
      if (burst || random() < (faults.resetRate ?? 0)) {
        entry.status = 'reset';
        req.socket.destroy();
        return;
      }
      send(res, 200, responseBody, limitHeaders);
    } catch (err) {
      if (err instanceof ApiError) return reject(err);
      reject(new ApiError(500, 'internal_server_error', (err as Error).message));
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    received,
    requests,
    get specViolations() {
      flush();
      return specViolations;
    },
    get specOperations() {
      flush();
      return specOperations;
    },
    setFaults(next) {
      faults = { ...next, ...(next.answers ? { answers: [...next.answers] } : {}) };
    },
    setRequestsPerSecond(next) {
      rps = next;
      window = [];
    },
    setDomains(next) {
      domains.set(next);
    },
    countByDelivery() {
      const counts = new Map<string, number>();
      for (const r of received) if (r.deliveryId !== undefined) counts.set(r.deliveryId, (counts.get(r.deliveryId) ?? 0) + 1);
      return counts;
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      flush();
      if (specViolations.length && (options.spec ?? 'enforce') === 'enforce') {
        const list = specViolations.flatMap((v) => v.problems.map((p) => `  ${p}`)).slice(0, 20);
        throw new Error(`The fake Resend server received ${specViolations.length} request(s) that break Resend's OpenAPI document:\n${list.join('\n')}`);
      }
    },
  };
}

/** How many delivery ids the server accepted more than once: 0 is the at-most-once promise. */
export function duplicates(server: Pick<FakeResend, 'countByDelivery'>): number {
  return [...server.countByDelivery().values()].filter((n) => n > 1).length;
}
