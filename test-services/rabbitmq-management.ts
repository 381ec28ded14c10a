/**
 * The few RabbitMQ management API calls the tests need: vhosts with guest's permissions, overview,
 * connections. A management URL may carry credentials (http://user:pass@host:15672): fetch refuses
 * those in the URL, so they become a Basic header (default guest:guest).
 */

export interface ManagementTarget {
  base: string;
  authorization: string;
}

export function managementTarget(managementUrl: string): ManagementTarget {
  const url = new URL(managementUrl);
  const user = decodeURIComponent(url.username) || 'guest';
  const password = decodeURIComponent(url.password) || 'guest';
  url.username = '';
  url.password = '';
  const base = url.toString().replace(/\/+$/, '');
  return { base, authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

export class ManagementError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ManagementError';
  }
}

/** One management API request; `path` starts after "/api". Rejects on any non-2xx answer. */
export async function management<T = unknown>(
  managementUrl: string,
  method: 'GET' | 'PUT' | 'DELETE' | 'POST',
  path: string,
  body?: unknown,
): Promise<T> {
  const { base, authorization } = managementTarget(managementUrl);
  const response = await fetch(`${base}/api${path}`, {
    method,
    headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new ManagementError(
      `${method} /api${path}: HTTP ${response.status} ${text.slice(0, 200)}`,
      response.status,
    );
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

const vhostPath = (name: string) => `/vhosts/${encodeURIComponent(name)}`;

/** Create a vhost and give `user` (default guest) full permissions on it. */
export async function createVhost(managementUrl: string, name: string, user = 'guest'): Promise<void> {
  await management(managementUrl, 'PUT', vhostPath(name), { description: 'switchboard test' });
  await management(
    managementUrl,
    'PUT',
    `/permissions/${encodeURIComponent(name)}/${encodeURIComponent(user)}`,
    {
      configure: '.*',
      write: '.*',
      read: '.*',
    },
  );
}

/** Delete a vhost (with everything in it); a missing one is fine. */
export async function deleteVhost(managementUrl: string, name: string): Promise<void> {
  try {
    await management(managementUrl, 'DELETE', vhostPath(name));
  } catch (error) {
    if (!(error instanceof ManagementError && error.status === 404)) throw error;
  }
}

/** `amqp://guest:guest@h:5672` + "my vhost" → `amqp://guest:guest@h:5672/my%20vhost`. */
export function amqpUrlForVhost(amqpUrl: string, vhost: string): string {
  const url = new URL(amqpUrl);
  url.pathname = `/${encodeURIComponent(vhost)}`;
  return url.toString();
}

/** The fields of /api/overview the tests read. */
export interface Overview {
  rabbitmq_version: string;
  object_totals: {
    channels: number;
    connections: number;
    queues: number;
    consumers: number;
    exchanges: number;
  };
  message_stats?: { publish?: number };
}

export function overview(managementUrl: string): Promise<Overview> {
  return management<Overview>(managementUrl, 'GET', '/overview');
}

export interface ConnectionInfo {
  name: string;
  user_provided_name?: string;
  vhost: string;
  channels: number;
  state: string;
}

/** Connections of one vhost (all when omitted). */
export async function connections(managementUrl: string, vhost?: string): Promise<ConnectionInfo[]> {
  const path = vhost === undefined ? '/connections' : `/vhosts/${encodeURIComponent(vhost)}/connections`;
  return management<ConnectionInfo[]>(managementUrl, 'GET', path);
}
