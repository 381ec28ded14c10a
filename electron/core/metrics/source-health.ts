/**
 * What every HTTP metrics source shares: one GET with a timeout whose failures are turned into
 * sentences an operator understands, and the status of the source over time — ok, degraded (slow or
 * partial), down — with exponential backoff and jitter between failed attempts (ticks are skipped
 * while backing off, Retry-After is honoured), staleness of the last good data, and automatic recovery.
 */
import type { z } from 'zod';
import type { SourceState, SourceStatus } from '../api';
import { errorText } from '../errors/error-text';
import { backoffDelay } from '../retry/backoff';

/** A failure worth showing as it is: the message is written for the operator, not for a log. */
export class SourceError extends Error {
  constructor(
    message: string,
    /** the server asked us to wait this long (Retry-After), or null */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'SourceError';
  }
}

// ── HTTP ─────────────────────────────────────────────────────────────────────────────────────────

export interface HttpGetOptions {
  timeoutMs: number;
  /** who answers, as the messages name it: "management API", "Prometheus", "/metrics endpoint" */
  service: string;
  headers?: Record<string, string>;
  /** statuses whose body is data rather than a failure (the alarms check answers 503 with its list) */
  accept?: readonly number[];
  /** extra words after "answered 401": "check the username/password" */
  hints?: Partial<Record<number, string>>;
  /** the clock Retry-After dates are read against (default Date.now) */
  clock?: () => number;
  /** a monotonic millisecond counter for response times (default performance.now) */
  elapsed?: () => number;
}

export interface HttpAnswer {
  status: number;
  body: string;
  contentType: string;
  /** how long the whole answer took, ms */
  ms: number;
}

/** Retry-After is honoured up to this long; a longer ask is capped so the source still recovers. */
const MAX_RETRY_AFTER_MS = 5 * 60_000;

export async function httpGet(url: string | URL, options: HttpGetOptions): Promise<HttpAnswer> {
  const elapsed = options.elapsed ?? (() => performance.now());
  const started = elapsed();
  const target = new URL(url);
  let response: Response;
  let body: string;
  try {
    response = await fetch(target, {
      headers: { accept: 'application/json, text/plain;q=0.9, */*;q=0.1', ...options.headers },
      signal: AbortSignal.timeout(options.timeoutMs),
      redirect: 'follow',
    });
    body = await response.text();
  } catch (error) {
    throw new SourceError(networkMessage(error, target, options.timeoutMs));
  }
  const answer: HttpAnswer = {
    status: response.status,
    body,
    contentType: response.headers.get('content-type') ?? '',
    ms: Math.max(0, elapsed() - started),
  };
  if (response.ok) return answer;
  const retryAfter = parseRetryAfter(response.headers.get('retry-after'), (options.clock ?? Date.now)());
  // Back-pressure (429, or 503 with Retry-After) is never data, even where a 503 otherwise is.
  const backPressure = response.status === 429 || (response.status === 503 && retryAfter !== null);
  if (!backPressure && options.accept?.includes(response.status)) return answer;
  const hint = options.hints?.[response.status];
  const reason = response.statusText || statusText(response.status);
  const detail = hint ? `: ${hint}` : answer.body.trim() ? `: ${snippet(answer.body)}` : '';
  const text = backPressure
    ? `${options.service}: ${response.status} ${reason}`
    : `${options.service} answered ${response.status}${hint ? '' : ` ${reason}`}${detail}`;
  throw new SourceError(text, retryAfter);
}

/** Parse a JSON answer against its schema; anything else is "not the API", said with what it was. */
export function parseJson<T extends z.ZodType>(answer: HttpAnswer, schema: T, what: string): z.output<T> {
  let value: unknown;
  try {
    value = JSON.parse(answer.body);
  } catch {
    throw new SourceError(`answered something that is not ${what}: ${snippet(answer.body) || '(empty)'}`);
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new SourceError(
    `answered something that is not ${what}: ${where}${issue?.message ?? 'unexpected shape'} (${snippet(answer.body, 60)})`,
  );
}

/** The first words of a body, on one line, with HTML tags dropped. */
export function snippet(body: string, max = 80): string {
  const flat = body
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const text = flat || body.trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** "2 s", "1.5 s", "500 ms". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

export function parseRetryAfter(value: string | null, now: number): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.min(MAX_RETRY_AFTER_MS, Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at - now));
}

function networkMessage(error: unknown, url: URL, timeoutMs: number): string {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return `timed out after ${formatDuration(timeoutMs)}`;
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  const code = cause?.code ?? (error as { code?: string } | null)?.code;
  const origin = url.origin;
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused at ${origin}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host not found: ${url.hostname}`;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
    case 'EPIPE':
      return `connection to ${origin} was closed before it answered`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${url.hostname} is unreachable`;
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'ETIMEDOUT':
      return `timed out after ${formatDuration(timeoutMs)}`;
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
      return `TLS certificate of ${origin} is not trusted (${code})`;
    default:
      return `cannot reach ${origin}: ${cause?.message ?? errorText(error)}`;
  }
}

function statusText(status: number): string {
  const known: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    422: 'Unprocessable Entity',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
  };
  return known[status] ?? '';
}

// ── Status over time ─────────────────────────────────────────────────────────────────────────────

export interface SourceHealthOptions {
  id: string;
  kind: string;
  label: string;
  /** time for status() (default Date.now); sample() passes its own `now` */
  clock?: () => number;
  /** jitter source in [0, 1) (default Math.random) */
  random?: () => number;
  /** first retry delay (default 1 s: the next tick) */
  minBackoffMs?: number;
  /** longest delay between attempts (default 30 s) */
  maxBackoffMs?: number;
  /** tick interval assumed until two ticks have been seen (default 1 s) */
  intervalMs?: number;
}

/**
 * The state machine of one source. sample() calls `begin(now)` first (it throws while backing off,
 * so the tick is skipped without a request), then `ok(now, problems)` or `fail(now, error)`.
 */
export class SourceHealth {
  private state: SourceState = 'connecting';
  private message: string | null = null;
  private lastOkAt: number | null = null;
  private failures = 0;
  private retryAt: number | null = null;
  private lastError: string | null = null;
  private lastBeginAt: number | null = null;
  private intervalMs: number;

  constructor(private readonly options: SourceHealthOptions) {
    this.intervalMs = options.intervalMs ?? 1000;
  }

  /** Throws the last failure, with the time left, while backing off; otherwise lets the attempt go. */
  begin(now: number): void {
    if (this.lastBeginAt !== null && now > this.lastBeginAt) {
      // The tick interval as seen: staleness is "older than two intervals".
      const gap = now - this.lastBeginAt;
      if (this.retryAt === null) this.intervalMs = Math.min(60_000, Math.max(100, gap));
    }
    this.lastBeginAt = now;
    if (this.retryAt !== null && now < this.retryAt) throw new SourceError(this.downMessage(now));
  }

  /** A good answer; `problems` (slow, partial) make it degraded, with the first problem as the message. */
  ok(now: number, problems: readonly string[] = []): void {
    this.failures = 0;
    this.retryAt = null;
    this.lastError = null;
    this.lastOkAt = now;
    this.state = problems.length > 0 ? 'degraded' : 'ok';
    this.message = problems.length > 0 ? problems.join('; ') : null;
  }

  /** A failed attempt: schedules the next one and returns the error to reject sample() with. */
  fail(now: number, error: unknown): SourceError {
    const base = error instanceof SourceError ? error : null;
    const text = base?.message ?? errorText(error);
    const delay = Math.max(this.backoff(this.failures), base?.retryAfterMs ?? 0);
    this.failures++;
    this.retryAt = now + delay;
    this.lastError = text;
    this.state = 'down';
    return new SourceError(this.downMessage(now), base?.retryAfterMs ?? null);
  }

  /** How many attempts in a row have failed. */
  get consecutiveFailures(): number {
    return this.failures;
  }

  /** When the next attempt may go, or null when not backing off. */
  get nextAttemptAt(): number | null {
    return this.retryAt;
  }

  get lastGoodAt(): number | null {
    return this.lastOkAt;
  }

  status(now = (this.options.clock ?? Date.now)()): SourceStatus {
    const { id, kind, label } = this.options;
    const old = this.lastOkAt !== null && now - this.lastOkAt > 2 * this.intervalMs;
    return {
      id,
      kind,
      label,
      state: this.state,
      message: this.state === 'down' ? this.downMessage(now) : this.message,
      lastOkAt: this.lastOkAt,
      stale: this.lastOkAt !== null && (old || this.state === 'down'),
      simulated: false,
    };
  }

  private downMessage(now: number): string {
    const text = this.lastError ?? 'down';
    if (this.retryAt === null) return text;
    const left = Math.max(0, this.retryAt - now);
    return left >= 1000 ? `${text}, retrying in ${Math.ceil(left / 1000)} s` : `${text}, retrying`;
  }

  private backoff(attempt: number): number {
    const { minBackoffMs = 1000, maxBackoffMs = 30_000, random } = this.options;
    return backoffDelay(attempt, minBackoffMs, maxBackoffMs, random);
  }
}
