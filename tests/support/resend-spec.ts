/**
 * Checks a request against Resend's own OpenAPI document (tests/fixtures/resend-openapi/,
 * vendored with its source and licence): the path and method exist, the bearer token and the
 * header parameters (Idempotency-Key ≤ 256) are as declared, and the JSON body validates
 * against the operation's schema with ajv. One rule is stricter than the document: the
 * objects coursemail sends (an email, a tag) may hold no property the document does not
 * name, so a field under a wrong name (`replyTo` for `reply_to`) cannot pass unnoticed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { parse } from 'yaml';

export const RESEND_OPENAPI = join(import.meta.dirname, '../fixtures/resend-openapi/resend.yaml');

/** Component schemas closed to properties the document does not name (see above). */
const CLOSED = ['SendEmailRequest', 'Tag'];

export interface SpecRequest {
  method: string;
  path: string;
  /** Lower-cased names, as node's IncomingMessage gives them. */
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The body already parsed by the caller, to spare parsing it again (it must be `JSON.parse(body)`). */
  parsed?: unknown;
}

type Json = Record<string, any>;

export interface ResendSpec {
  /** What in this request breaks the document; empty when it conforms. */
  check(request: SpecRequest): string[];
  /** `POST /emails/batch` → its operationId, or undefined when the document has no such operation. */
  operationOf(method: string, path: string): string | undefined;
}

function routes(doc: Json): { template: string; pattern: RegExp; literal: number }[] {
  return Object.keys(doc.paths as Json)
    .map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
      // `/emails/batch` before `/emails/{email_id}`: the more literal segments, the better the match.
      literal: template.split('/').filter((s) => s && !s.startsWith('{')).length,
    }))
    .sort((a, b) => b.literal - a.literal);
}

export function loadResendSpec(file = RESEND_OPENAPI): ResendSpec {
  const doc = parse(readFileSync(file, 'utf8')) as Json;
  for (const name of CLOSED) {
    const schema = doc.components.schemas[name];
    if (!schema) throw new Error(`${file}: no components.schemas.${name}`);
    schema.additionalProperties = false;
  }
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  const table = routes(doc);
  const compiled = new Map<string, ValidateFunction>();
  const resolve = (o: Json): Json =>
    typeof o?.$ref === 'string'
      ? resolve(
          o.$ref
            .slice(2)
            .split('/')
            .reduce((at: Json, k: string) => at[k], doc),
        )
      : o;

  const find = (method: string, path: string) => {
    const route = table.find((r) => r.pattern.test(path));
    const op = route ? (doc.paths[route.template]?.[method.toLowerCase()] as Json | undefined) : undefined;
    return route && op ? { route, op } : undefined;
  };

  /** The operation's body schema, with the document's components beside it so `#/components/…` resolves. */
  const bodyValidator = (key: string, schema: Json) => {
    let v = compiled.get(key);
    if (!v) compiled.set(key, (v = ajv.compile({ ...schema, components: doc.components })));
    return v;
  };

  return {
    operationOf: (method, path) => find(method, path)?.op.operationId,
    check(req) {
      const problems: string[] = [];
      const path = req.path.split('?')[0] ?? '/';
      const found = find(req.method, path);
      if (!found) return [`${req.method} ${path} is not an operation in Resend's API`];
      const { route, op } = found;
      const where = `${req.method} ${route.template}`;
      const header = (name: string) => {
        const v = req.headers[name.toLowerCase()];
        return Array.isArray(v) ? v[0] : v;
      };

      const security = (op.security ?? doc.security) as Json[] | undefined;
      if (security?.some((s) => 'bearerAuth' in s) && !/^Bearer \S+$/.test(header('authorization') ?? '')) {
        problems.push(`${where}: no bearer token in Authorization`);
      }
      for (const raw of [...((doc.paths[route.template].parameters as Json[]) ?? []), ...((op.parameters as Json[]) ?? [])]) {
        const p = resolve(raw);
        if (p.in !== 'header') continue;
        const value = header(p.name);
        if (value === undefined) {
          if (p.required) problems.push(`${where}: header ${p.name} is required`);
          continue;
        }
        const v = bodyValidator(`${where} header ${p.name}`, p.schema ?? {});
        if (!v(value)) problems.push(`${where}: header ${p.name} ${ajv.errorsText(v.errors)}`);
      }

      const content = resolve(op.requestBody ?? {}).content as Json | undefined;
      const json = content?.['application/json'];
      if (!json) {
        if (req.body.trim()) problems.push(`${where}: takes no body, got one`);
        return problems;
      }
      const type = (header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/json') problems.push(`${where}: Content-Type is "${type}", not application/json`);
      let body: unknown = req.parsed;
      if (body === undefined) {
        try {
          body = JSON.parse(req.body);
        } catch {
          return [...problems, `${where}: the body is not JSON`];
        }
      }
      const v = bodyValidator(`${where} body`, json.schema ?? {});
      if (!v(body)) {
        for (const e of v.errors ?? []) {
          const extra = e.keyword === 'additionalProperties' ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : '';
          problems.push(`${where}: body${e.instancePath} ${e.message}${extra}`);
        }
      }
      return problems;
    },
  };
}
