/** What the gate needs from an OFREP bulk evaluation body: one boolean flag and where to listen. */

export type BulkAnswer =
  | { ok: true; allowed: boolean; sseUri: string | null }
  | { ok: false; problem: string; sseUri: string | null };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function readBulkAnswer(text: string, flagKey: string): BulkAnswer {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'the bulk evaluation is not JSON', sseUri: null };
  }
  if (!isObject(body) || !Array.isArray(body.flags)) {
    return { ok: false, problem: 'the bulk evaluation has no flags list', sseUri: null };
  }
  const sseUri = firstSseUri(body.eventStreams);
  const entry = body.flags.find((flag) => isObject(flag) && flag.key === flagKey);
  if (!isObject(entry)) return { ok: false, problem: `flag "${flagKey}" is not served`, sseUri };
  if (typeof entry.errorCode === 'string') {
    return {
      ok: false,
      problem: `flag "${flagKey}": ${entry.errorCode} ${String(entry.errorDetails ?? '')}`.trim(),
      sseUri,
    };
  }
  // OFREP: no value means "use the code default", and the gate's default is to let traffic through.
  if (entry.value === undefined) return { ok: true, allowed: true, sseUri };
  if (typeof entry.value !== 'boolean') {
    return {
      ok: false,
      problem: `flag "${flagKey}" is not a boolean (got ${JSON.stringify(entry.value)})`,
      sseUri,
    };
  }
  return { ok: true, allowed: entry.value, sseUri };
}

/** The advertised SSE endpoint (ADR-0008 eventStreams), absolute or relative to the server origin. */
function firstSseUri(eventStreams: unknown): string | null {
  if (!Array.isArray(eventStreams)) return null;
  for (const stream of eventStreams) {
    if (!isObject(stream) || stream.type !== 'sse') continue;
    if (typeof stream.url === 'string') return stream.url;
    const endpoint = stream.endpoint;
    if (isObject(endpoint) && typeof endpoint.requestUri === 'string') {
      return typeof endpoint.origin === 'string'
        ? `${endpoint.origin}${endpoint.requestUri}`
        : endpoint.requestUri;
    }
  }
  return null;
}
