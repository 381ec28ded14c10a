/**
 * LaunchDarkly REST API v2 over fetch: the access token in `Authorization` (no "Bearer"), the pinned
 * `LD-API-Version`, a timeout, every answer validated, and LaunchDarkly's documented errors turned into
 * actionable LaunchDarklyErrors. 429 is waited out as LaunchDarkly asks (`Retry-After` seconds or
 * `X-Ratelimit-Reset` epoch ms), with jitter and a bounded number of retries: the limits are per 10 s
 * and shared by every token of the account, so hammering helps no one. Safe reads are also retried
 * on 5xx. The token lives only in this object's private field and never reaches a message.
 */
import type { z } from 'zod';
import { backoffDelay } from '../../retry/backoff';
import { issueTexts } from '../../storage/zod-issue-text';
import { conflictDescriptions } from './ld-conflicts';
import { LaunchDarklyError, type LdFailure } from './ld-errors';
import { errorBodySchema, type LdInstruction } from './ld-schemas';

export const LD_API_VERSION = '20240415';
export const SEMANTIC_PATCH = 'application/json; domain-model=launchdarkly.semanticpatch';

export interface LdClientOptions {
  baseUrl: string;
  token: string;
  timeoutMs: number;
  /** 429/5xx retries before giving up */
  maxRetries: number;
  /** the longest single wait LaunchDarkly may ask for; longer asks fail at once with the time to retry */
  maxWaitMs: number;
  fetch: typeof fetch;
  random: () => number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  signal: AbortSignal;
}

export interface LdRequest {
  method: 'GET' | 'POST' | 'PATCH';
  /** path and query, or a `_links` href */
  path: string;
  body?: unknown;
  semanticPatch?: boolean;
  /** what is being done, for messages: "update the targets of publish-events in production" */
  what: string;
  /** the role action a 403 most likely lacks: "updateTargets" */
  permission?: string;
  /** the semantic patch being sent, kept on an approval-required error */
  instructions?: readonly LdInstruction[];
  comment?: string;
  flagKey?: string;
  /** read-only: retried on 5xx too */
  safe?: boolean;
}

export class LdClient {
  readonly origin: string;
  readonly #token: string;
  private readonly options: Omit<LdClientOptions, 'token'>;

  constructor({ token, ...options }: LdClientOptions) {
    this.options = options;
    const base = new URL(options.baseUrl);
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(base.hostname);
    if (base.protocol !== 'https:' && !(base.protocol === 'http:' && loopback)) {
      throw new LaunchDarklyError(
        `refusing ${base.origin}: the LaunchDarkly token is only sent over https (or to a loopback test server)`,
        'invalid',
      );
    }
    if (token.trim() === '') {
      throw new LaunchDarklyError('no LaunchDarkly access token configured', 'unauthorized');
    }
    this.origin = base.origin;
    this.#token = token;
  }

  async request<T>(request: LdRequest, schema: z.ZodType<T>): Promise<T> {
    const url = new URL(request.path, this.origin);
    // A `_links` href must never carry the token to another host.
    if (url.origin !== this.origin) {
      throw this.error(`LaunchDarkly pointed ${request.what} at another host; not followed`, 'bad-answer');
    }
    for (let attempt = 0; ; attempt++) {
      const response = await this.send(url, request);
      if (response.status === 429 || (response.status >= 500 && request.safe)) {
        // drained so the connection can be reused for the retry
        await response.arrayBuffer().catch(() => undefined);
      }
      if (response.status === 429) {
        const wait = this.rateLimitWait(response.headers, attempt);
        if (wait > this.options.maxWaitMs) {
          const at = new Date(this.options.now() + wait).toISOString();
          throw this.error(
            `LaunchDarkly rate limit: ${request.what} was refused (429) and LaunchDarkly asks to wait ${Math.ceil(wait / 1000)} s; not waiting that long — try again after ${at}`,
            'rate-limited',
            429,
            true,
          );
        }
        if (attempt >= this.options.maxRetries) {
          throw this.error(
            `LaunchDarkly rate limit: ${request.what} was still refused (429) after ${attempt} retries; LaunchDarkly's limits are per 10 s and shared by every token of the account — try again shortly`,
            'rate-limited',
            429,
            true,
          );
        }
        await this.wait(wait);
        continue;
      }
      if (response.status >= 500 && request.safe) {
        if (attempt >= this.options.maxRetries) {
          throw this.error(
            `LaunchDarkly failed to ${request.what} (${response.status}) ${attempt + 1} times; try again later`,
            'unavailable',
            response.status,
            true,
          );
        }
        await this.wait(backoffDelay(attempt, 500, 8_000, this.options.random));
        continue;
      }
      const text = await response.text();
      if (response.ok) return this.parse(text, request, schema);
      throw this.errorFor(response.status, text, request);
    }
  }

  private async send(url: URL, request: LdRequest): Promise<Response> {
    if (this.options.signal.aborted) throw this.error('the LaunchDarkly provider is closed', 'closed');
    const headers: Record<string, string> = {
      Authorization: this.#token,
      'LD-API-Version': LD_API_VERSION,
      Accept: 'application/json',
      'User-Agent': 'Switchboard',
    };
    if (request.body !== undefined) {
      headers['Content-Type'] = request.semanticPatch ? SEMANTIC_PATCH : 'application/json';
    }
    const pending = requestSignal(this.options.signal, this.options.timeoutMs);
    try {
      return await this.options.fetch(url, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: pending.signal,
        redirect: 'error',
      });
    } catch (error) {
      if (this.options.signal.aborted) throw this.error('the LaunchDarkly provider is closed', 'closed');
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      const cause =
        error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : '';
      // a write that got no answer may still have been applied: the caller reads back before retrying
      const unsure =
        request.method === 'GET' || request.safe ? '' : '; the change may or may not have been applied';
      throw this.error(
        timedOut
          ? `LaunchDarkly did not answer the request to ${request.what} within ${this.options.timeoutMs} ms${unsure}`
          : `cannot reach LaunchDarkly at ${this.origin} to ${request.what}: ${cause}${unsure}`,
        'unreachable',
        null,
        true,
      );
    } finally {
      pending.done();
    }
  }

  /** LaunchDarkly's ask, plus jitter so that many clients do not all return at the reset instant. */
  private rateLimitWait(headers: Headers, attempt: number): number {
    const asks: number[] = [];
    const retryAfter = headers.get('retry-after');
    if (retryAfter !== null) {
      const seconds = Number(retryAfter);
      const date = Date.parse(retryAfter);
      if (Number.isFinite(seconds)) asks.push(seconds * 1000);
      else if (Number.isFinite(date)) asks.push(date - this.options.now());
    }
    const reset = Number(headers.get('x-ratelimit-reset') ?? Number.NaN);
    if (Number.isFinite(reset) && reset > 0) {
      // documented as epoch milliseconds; accept epoch seconds too rather than wait 50 years less
      asks.push((reset < 1e12 ? reset * 1000 : reset) - this.options.now());
    }
    if (asks.length === 0) return backoffDelay(attempt, 1_000, 10_000, this.options.random);
    const base = Math.max(0, ...asks);
    return Math.round(base + this.options.random() * Math.max(100, base * 0.2));
  }

  private async wait(ms: number): Promise<void> {
    await this.options.sleep(ms);
    if (this.options.signal.aborted) throw this.error('the LaunchDarkly provider is closed', 'closed');
  }

  private parse<T>(text: string, request: LdRequest, schema: z.ZodType<T>): T {
    let json: unknown;
    try {
      json = text === '' ? {} : JSON.parse(text);
    } catch {
      throw this.error(`LaunchDarkly's answer to ${request.what} is not JSON`, 'bad-answer');
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) return parsed.data;
    const issues = issueTexts(parsed.error, '(answer)', 3).join('; ');
    throw this.error(
      `LaunchDarkly's answer to ${request.what} has an unexpected shape (${issues})`,
      'bad-answer',
    );
  }

  private errorFor(status: number, text: string, request: LdRequest): LaunchDarklyError {
    let body: { code?: string | null; message?: string | null; conflicts?: unknown[] | null } = {};
    try {
      const parsed = errorBodySchema.safeParse(JSON.parse(text));
      if (parsed.success) body = parsed.data;
    } catch {
      // not JSON: the status says enough
    }
    const said = body.message ? `: ${body.message}` : '';
    const code = body.code ?? '';
    switch (status) {
      case 400:
        if ((body.conflicts?.length ?? 0) > 0 || /conflict/i.test(`${code} ${body.message ?? ''}`)) {
          return this.conflictError(request, said, body.conflicts);
        }
        return this.error(
          `LaunchDarkly refused to ${request.what} (400 ${code || 'bad request'})${said}`,
          'invalid',
          400,
        );
      case 401:
        return this.error(
          `LaunchDarkly rejected the access token (401): it is missing, wrong, expired or revoked — configure a valid API access token (sent as is, without "Bearer")`,
          'unauthorized',
          401,
        );
      case 403:
        return this.error(
          `the LaunchDarkly access token is valid but may not ${request.what} (403 forbidden)${request.permission ? `: its role needs the "${request.permission}" action` : ''}${said}`,
          'forbidden',
          403,
        );
      case 404:
        return this.error(
          `LaunchDarkly found nothing to ${request.what} (404): check the project, environment and flag keys${said}`,
          'not-found',
          404,
        );
      case 405:
        return new LaunchDarklyError(
          this.redact(
            `LaunchDarkly requires approval to ${request.what} (405): the change was not applied. Request approval to open an approval request that a reviewer can approve and apply${said}`,
          ),
          'approval-required',
          {
            status: 405,
            instructions: request.instructions ?? null,
            flagKey: request.flagKey ?? null,
            comment: request.comment ?? null,
          },
        );
      case 409:
        return this.error(
          `LaunchDarkly reported a concurrent change (409 ${code || 'conflict'}) while trying to ${request.what}${said}`,
          'optimistic-lock',
          409,
          true,
        );
      default:
        return this.error(
          `LaunchDarkly failed to ${request.what} (${status}${code ? ` ${code}` : ''})${said}`,
          status >= 500 ? 'unavailable' : 'invalid',
          status,
          status >= 500,
        );
    }
  }

  /**
   * 400 over changes pending on the flag (scheduled changes, approval requests): nothing was changed.
   * The conflicts travel on the error, so that a person can read them and choose to override them.
   */
  private conflictError(request: LdRequest, said: string, items: unknown[] | null | undefined) {
    const conflicts = conflictDescriptions(items).map((line) => this.redact(line));
    const listed =
      conflicts.length > 0 ? ` Conflicting: ${conflicts.map((c, i) => `(${i + 1}) ${c}`).join('; ')}.` : '';
    return new LaunchDarklyError(
      this.redact(
        `LaunchDarkly refused to ${request.what}: it conflicts with pending changes on the flag (scheduled changes or approval requests)${said}.${listed} Nothing was changed; review them in LaunchDarkly, or apply anyway to override them (ignoreConflicts)`,
      ),
      'pending-conflict',
      { status: 400, conflicts },
    );
  }

  private error(message: string, failure: LdFailure, status: number | null = null, retryable = false) {
    return new LaunchDarklyError(this.redact(message), failure, { status, retryable });
  }

  /** Belt and braces: no message ever shows the token, whatever LaunchDarkly echoed. */
  redact(text: string): string {
    return this.#token.length >= 4 ? text.split(this.#token).join('[token]') : text;
  }
}

/**
 * One request's signal: aborted when the provider closes or after `timeoutMs` (with a TimeoutError).
 * Not `AbortSignal.any([closed, AbortSignal.timeout(ms)])`: in Node 20 the timeout signal inside a
 * composite can be garbage-collected before it fires (nodejs/node#57736), and the request then hangs
 * for good — seen as a LaunchDarkly write that never timed out under a full test run's memory
 * pressure. Our own timer is held until `done`.
 */
function requestSignal(closed: AbortSignal, timeoutMs: number): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError')),
    timeoutMs,
  );
  const onClose = () => controller.abort(closed.reason);
  if (closed.aborted) onClose();
  else closed.addEventListener('abort', onClose, { once: true });
  return {
    signal: controller.signal,
    done: () => {
      clearTimeout(timer);
      closed.removeEventListener('abort', onClose);
    },
  };
}
