/**
 * fetch as a page at `pageOrigin` would see it: Node's fetch ignores CORS, so tests that stand in for
 * a browser use this instead. It sends the Origin header, makes the preflight a browser makes for a
 * non-simple request, fails like a browser when the server does not allow the origin, and hides the
 * response headers the server did not expose (so a client only gets the ETag when it is exposed).
 */

const SAFELISTED_RESPONSE_HEADERS = new Set([
  'cache-control',
  'content-language',
  'content-length',
  'content-type',
  'expires',
  'last-modified',
  'pragma',
]);

export function browserLikeFetch(pageOrigin: string): typeof fetch {
  const allows = (response: Response) => {
    const allowed = response.headers.get('access-control-allow-origin');
    return allowed === '*' || allowed === pageOrigin;
  };
  return async (input, init) => {
    // Clients hand in a Request or a URL with init: read both the same way.
    const request = new Request(input, init);
    const method = request.method.toUpperCase();
    const headers = new Headers(request.headers);
    const body = method === 'GET' || method === 'HEAD' ? undefined : await request.text();
    if (body !== undefined) {
      const preflight = await fetch(request.url, {
        method: 'OPTIONS',
        headers: {
          Origin: pageOrigin,
          'Access-Control-Request-Method': method,
          'Access-Control-Request-Headers': [...headers.keys()].join(','),
        },
      });
      if (!allows(preflight)) throw new TypeError(`Failed to fetch: CORS preflight refused ${pageOrigin}`);
    }
    headers.set('Origin', pageOrigin);
    const response = await fetch(request.url, { method, headers, body, signal: request.signal });
    if (!allows(response)) throw new TypeError(`Failed to fetch: CORS refused ${pageOrigin}`);
    const exposed = new Set(
      (response.headers.get('access-control-expose-headers') ?? '')
        .split(',')
        .map((name) => name.trim().toLowerCase()),
    );
    const visible = new Headers();
    response.headers.forEach((value, name) => {
      if (SAFELISTED_RESPONSE_HEADERS.has(name) || exposed.has(name)) visible.set(name, value);
    });
    const content = response.status === 304 || response.status === 204 ? null : response.body;
    return new Response(content, {
      status: response.status,
      statusText: response.statusText,
      headers: visible,
    });
  };
}
