import { Resend } from 'resend';
import { readError, type ResendError } from './resend-errors.ts';

/** What one request came back with: the parsed body or the error read by status, and the headers. */
export type ResendAnswer<T> = ({ data: T; error: null } | { data: null; error: ResendError }) & { headers: Record<string, string> | null };

/**
 * The SDK's client with its HTTP step replaced: the SDK hands an error body on as the error,
 * so a proxy's `{"message": …}` 503 arrived with no status and was never retried. Here every
 * error carries the HTTP status; the SDK still builds the requests (field names, headers).
 */
export class ResendClient extends Resend {
  override async fetchRequest<T>(path: string, options: RequestInit = {}): Promise<never> {
    return (await this.#request<T>(path, options)) as never;
  }

  async #request<T>(path: string, options: RequestInit): Promise<ResendAnswer<T>> {
    let response: Response;
    let body: string;
    try {
      // Bytes, not the SDK's JSON string: undici would copy a string (toUSVString) and encode
      // it again, ~1 MB a batch and a tenth of the worker's CPU. The SDK's request object
      // (made for this call) gives the string up here rather than hold it through the request:
      // ~3 MB a batch that outlived young-generation GCs: at 1M subscribers, up to 26 MB of
      // such strings and 30 MB more of buffers waited for a full GC.
      if (typeof options.body === 'string') options.body = Buffer.from(options.body);
      response = await fetch(`${this.baseUrl}${path}`, options);
      body = await response.text();
    } catch (err) {
      // Refused, reset or timed out (the request's signal): the same request may pass later.
      const cause = (err as Error)?.cause as Error | undefined;
      return { data: null, error: { status: null, message: cause?.message ?? (err as Error)?.message ?? String(err) }, headers: null };
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    if (!response.ok) return { data: null, error: readError(response.status, body), headers };
    try {
      return { data: JSON.parse(body) as T, error: null, headers };
    } catch {
      // Accepted or not, nobody can tell: asking again under the same key is safe.
      return { data: null, error: { status: null, message: `the ${response.status} answer was not JSON: ${body.slice(0, 80)}` }, headers };
    }
  }
}
