/**
 * HTTP to Unleash's admin API with every failure turned into a sentence an operator can act on
 * (FlagProviderError). The token goes in the Authorization header only: it is never part of a
 * message, and any echo of it in a server's answer is blanked out before the text is used.
 */
import type { z } from 'zod';
import { issueTexts } from '../../storage/zod-issue-text';
import { FlagProviderError } from '../flag-provider';
import { errorBodySchema } from './unleash-schemas';

export interface UnleashHttpOptions {
  /** Unleash's base URL, e.g. http://127.0.0.1:4242 (a path prefix is kept) */
  url: string;
  /** admin token or personal access token, sent as `Authorization: <token>` */
  token: string;
  timeoutMs: number;
  fetch: typeof fetch;
}

/** A failed call with what Unleash said; `message` is already the human sentence. */
export class UnleashApiError extends FlagProviderError {
  constructor(
    message: string,
    /** HTTP status, or 0 when there was no answer */
    readonly status: number,
    /** Unleash's error name ("ExceedsLimitError", "UnknownError", ...) */
    readonly errorName: string | null,
    /** Unleash's own message, token blanked */
    readonly detail: string,
    retryable: boolean,
  ) {
    super(message, retryable);
    this.name = 'FlagProviderError';
  }
}

export interface HttpAnswer<T> {
  status: number;
  etag: string | null;
  /** null for 304 and empty bodies */
  body: T | null;
}

export class UnleashHttp {
  readonly base: string;
  readonly origin: string;

  constructor(private readonly options: UnleashHttpOptions) {
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch {
      throw new FlagProviderError(
        `the Unleash URL "${options.url}" is not a URL (e.g. http://127.0.0.1:4242)`,
      );
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new FlagProviderError(
        `the Unleash URL must start with http:// or https:// (got ${parsed.protocol})`,
      );
    }
    this.base = `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
    this.origin = parsed.origin;
    if (!options.token) throw new FlagProviderError('no Unleash API token is configured for this profile');
  }

  /**
   * One call. `what` completes "could not …" in messages ("read flag publish-events"). 2xx and 304
   * resolve; everything else rejects with an UnleashApiError.
   */
  async request<T>(
    method: string,
    path: string,
    what: string,
    options: { body?: unknown; schema?: z.ZodType<T>; ifNoneMatch?: string | null } = {},
  ): Promise<HttpAnswer<T>> {
    const headers: Record<string, string> = { Authorization: this.options.token, Accept: 'application/json' };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    if (options.ifNoneMatch) headers['If-None-Match'] = options.ifNoneMatch;
    let response: Response;
    let text: string;
    try {
      response = await this.options.fetch(`${this.base}${path}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw this.networkError(error, what);
    }
    const etag = response.headers.get('etag');
    if (response.status === 304) return { status: 304, etag, body: null };
    if (!response.ok) throw this.statusError(response.status, text, what);
    if (!options.schema) return { status: response.status, etag, body: null };
    if (text.trim() === '') {
      throw this.garbage(what, `an empty answer (${response.status})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      const type = response.headers.get('content-type') ?? 'no content type';
      throw this.garbage(what, `${type}, not JSON`);
    }
    const parsed = options.schema.safeParse(json);
    if (!parsed.success) {
      throw this.garbage(what, issueTexts(parsed.error, 'the answer', 1)[0] ?? 'unexpected shape');
    }
    return { status: response.status, etag, body: parsed.data };
  }

  /** Blank the token out of any text that might echo it. */
  redact(text: string): string {
    const { token } = this.options;
    return token ? text.split(token).join('<token>') : text;
  }

  private networkError(error: unknown, what: string): UnleashApiError {
    const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    const code = err.cause?.code ?? '';
    let why: string;
    if (err.name === 'TimeoutError' || err.name === 'AbortError') {
      why = `no answer within ${this.options.timeoutMs} ms`;
    } else if (code === 'ECONNREFUSED') {
      why = 'connection refused (is the server running, and is the URL right?)';
    } else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      why = `the host ${new URL(this.base).hostname} is unknown`;
    } else if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') {
      why = 'the connection was closed before an answer came';
    } else if (code.startsWith('CERT_') || code.includes('SSL') || code.includes('TLS')) {
      why = `TLS failed (${code})`;
    } else {
      why = this.redact(err.cause?.message ?? err.message ?? String(error));
    }
    return new UnleashApiError(
      `cannot reach Unleash at ${this.origin} to ${what}: ${why}`,
      0,
      null,
      why,
      true,
    );
  }

  private statusError(status: number, text: string, what: string): UnleashApiError {
    const { name, detail } = this.errorBody(text);
    const said = detail ? `: ${detail}` : '';
    if (status === 401) {
      return new UnleashApiError(
        `Unleash at ${this.origin} rejected the API token (401 Unauthorized) when trying to ${what}: check the token configured for this profile`,
        status,
        name,
        detail,
        false,
      );
    }
    if (status === 403) {
      return new UnleashApiError(
        `the API token may not ${what} (403 Forbidden${said}): Switchboard needs an admin token or the personal access token of an Unleash admin`,
        status,
        name,
        detail,
        false,
      );
    }
    if (status === 404) {
      return new UnleashApiError(
        `could not ${what}: not found at ${this.origin} (404${said})`,
        status,
        name,
        detail,
        false,
      );
    }
    if (status >= 500) {
      return new UnleashApiError(
        `Unleash at ${this.origin} failed to ${what} (${status}${said}); try again`,
        status,
        name,
        detail,
        true,
      );
    }
    return new UnleashApiError(`Unleash refused to ${what} (${status}${said})`, status, name, detail, false);
  }

  private garbage(what: string, detail: string): UnleashApiError {
    return new UnleashApiError(
      `${this.origin} answered "${what}" with something that is not Unleash's admin API (${detail}); check the Unleash URL`,
      0,
      null,
      detail,
      false,
    );
  }

  private errorBody(text: string): { name: string | null; detail: string } {
    let parsed: z.infer<typeof errorBodySchema> | null = null;
    try {
      const result = errorBodySchema.safeParse(JSON.parse(text));
      if (result.success) parsed = result.data;
    } catch {
      // an HTML error page or plain text
    }
    const raw = parsed?.details?.[0]?.message ?? parsed?.message ?? text.replace(/<[^>]*>/g, ' ');
    // The first line only, and short: Unleash puts whole documents into some messages.
    const detail = this.redact(raw.split('\n')[0]!.replace(/\s+/g, ' ').trim()).slice(0, 300);
    return { name: parsed?.name ?? null, detail };
  }
}
