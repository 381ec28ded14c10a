/**
 * The demo workload against a real RabbitMQ: check the broker, find (or start) the flag server,
 * run the publisher, print what happens. `demo/run-demo.ts` is the command around it.
 */
import amqp from 'amqplib';
import { errorText } from '../../electron/core/errors/error-text';
import { type DemoConsole, freeLocalPort, startDemoConsole } from './demo-console';
import { type DemoOptions, redactUrl } from './demo-options';
import { type Publisher, startPublisher } from './publisher';
import { DROP_REASONS } from './publisher-metrics';
import { UnleashGate } from './unleash-gate';

export const INSTALL_HINT =
  'install and start it: apt-get install rabbitmq-server && rabbitmq-plugins enable rabbitmq_management && rabbitmq-server -detached (or pass --amqp <url>)';

export class BrokerUnreachable extends Error {}

/** Can we open an AMQP connection? Rejects with one line that says what to do. */
export async function checkBroker(amqpUrl: string, timeoutMs = 3_000): Promise<void> {
  try {
    const connection = await amqp.connect(amqpUrl, {
      timeout: timeoutMs,
      clientProperties: { connection_name: 'switchboard-demo-check' },
    });
    await connection.close();
  } catch (error) {
    const reason = errorText(error).split('\n')[0];
    // AMQP's login refusal is ACCESS_REFUSED (reply code 403); matching a bare "403" would also match a port.
    const credentials = /ACCESS[-_]REFUSED/i.test(reason ?? '');
    throw new BrokerUnreachable(
      credentials
        ? `RabbitMQ at ${redactUrl(amqpUrl)} refused the login (${reason}): pass --amqp amqp://user:password@host:port`
        : `RabbitMQ is not reachable at ${redactUrl(amqpUrl)} (${reason}): ${INSTALL_HINT}`,
    );
  }
}

interface BrokerFigures {
  channels: number;
  connections: number;
}

/** Channels and connections from the management API, or null when it does not answer. */
export async function brokerFigures(managementUrl: string): Promise<BrokerFigures | null> {
  try {
    const url = new URL(managementUrl);
    const user = decodeURIComponent(url.username) || 'guest';
    const password = decodeURIComponent(url.password) || 'guest';
    url.username = '';
    url.password = '';
    const response = await fetch(`${url.toString().replace(/\/+$/, '')}/api/overview`, {
      headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
      signal: AbortSignal.timeout(2_000),
    });
    if (!response.ok) return null;
    const body = (await response.json()) as { object_totals?: BrokerFigures };
    return body.object_totals ?? null;
  } catch {
    return null;
  }
}

export interface RunningDemo {
  publisher: Publisher;
  ofrepUrl: string | null;
  stop(): Promise<void>;
}

/** Everything after the options: `print` gets one line at a time. */
export async function runDemo(options: DemoOptions, print: (line: string) => void): Promise<RunningDemo> {
  await checkBroker(options.amqpUrl);
  print(`rabbitmq: ${redactUrl(options.amqpUrl)} answers`);
  const management = await brokerFigures(options.managementUrl);
  print(
    management
      ? `rabbitmq management: ${options.managementUrl} (${management.connections} connections, ${management.channels} channels)`
      : `rabbitmq management: no answer at ${options.managementUrl} — broker figures will not be shown (rabbitmq-plugins enable rabbitmq_management)`,
  );

  let consoleApp: DemoConsole | null = null;
  let ofrepUrl: string | null = null;
  const metricsPort = options.metricsPort || (await freeLocalPort());
  let unleashGate: UnleashGate | null = null;
  if (options.flags && options.unleash) {
    unleashGate = new UnleashGate({ url: options.unleash.url, token: options.unleash.token });
    unleashGate.setTenants(options.tenants.map((t) => t.id));
    await unleashGate.whenReady();
    print(
      `flags: publish-events per tenant from Unleash at ${options.unleash.url} (Node SDK, refreshed every second)`,
    );
  } else if (options.flags && options.ofrep) {
    ofrepUrl = options.ofrep;
    print(`flags: publish-events per tenant from ${ofrepUrl}`);
  } else if (options.flags) {
    consoleApp = await startDemoConsole({
      dataDir: options.dataDir,
      managementUrl: options.managementUrl,
      metricsPort,
      ofrepPort: options.ofrepPort,
      print,
    });
    ofrepUrl = consoleApp.ofrepUrl;
    print('flags: the console above owns the kill switch; open its URL and flip a tenant');
  } else {
    print('flags: none (--no-flags): every tenant publishes');
  }

  const total = options.tenants.reduce((sum, t) => sum + t.rate, 0);
  const heaviest = [...options.tenants].sort((a, b) => b.rate - a.rate).slice(0, 3);
  print(
    `publisher: ${options.tenants.length} tenants, ${fmt(total)} events/s in all (${heaviest.map((t) => `${t.id} ${fmt(t.rate)}/s`).join(', ')}, ...) to exchange "events", routing key tenant.<id>.<type>`,
  );
  if (options.spike) {
    print(
      `publisher: ${options.spike.tenantId} spikes ×${options.spike.factor} after ${options.spike.afterMs / 1000} s`,
    );
  }
  if (options.channelLeak) {
    print(
      'publisher: CHANNEL-LEAK MODE — a new channel per publish, never closed (the original bug); watch the broker',
    );
  }

  let publisher: Publisher;
  try {
    publisher = await startPublisher({
      amqpUrl: options.amqpUrl,
      tenants: options.tenants,
      flags: unleashGate
        ? { gate: unleashGate }
        : ofrepUrl
          ? { ofrepEndpoint: ofrepUrl, token: options.ofrepToken }
          : null,
      spike: options.spike,
      channelLeak: options.channelLeak,
      metricsPort,
      maxInFlight: options.maxInFlight,
      log: (line) => print(line),
    });
  } catch (error) {
    await consoleApp?.stop();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(
        `the metrics port ${options.metricsPort} is in use on 127.0.0.1; pass --metrics-port 0 for a free one`,
      );
    }
    throw error;
  }
  print(
    `metrics: ${publisher.metricsUrl} (events_published_total, events_dropped_total, publisher_state, ...)`,
  );

  const status = statusPrinter(publisher, options.managementUrl, management !== null, print);
  const timer = setInterval(() => void status(), options.statusEverySec * 1000);

  return {
    publisher,
    ofrepUrl,
    async stop() {
      clearInterval(timer);
      await publisher.stop();
      await unleashGate?.close();
      await consoleApp?.stop();
    },
  };
}

/** One line per call: rates since the last call, per tenant (top 3), drops by reason, state, broker. */
function statusPrinter(
  publisher: Publisher,
  managementUrl: string,
  withBroker: boolean,
  print: (line: string) => void,
) {
  const ids = publisher.tenantIds();
  let last = snapshot();
  function snapshot() {
    return {
      at: performance.now(),
      tenants: ids.map((id) => publisher.tenant(id)),
      stats: publisher.stats(),
    };
  }
  return async () => {
    const now = snapshot();
    const seconds = (now.at - last.at) / 1000;
    const perTenant = now.tenants
      .map((t, i) => ({ id: t.id, rate: (t.published - last.tenants[i]!.published) / seconds }))
      .sort((a, b) => b.rate - a.rate);
    const drops = DROP_REASONS.map((reason) => ({
      reason,
      rate: (now.stats.dropped[reason] - last.stats.dropped[reason]) / seconds,
    })).filter((d) => d.rate > 0);
    const off = now.tenants.filter((t) => !t.allowed && !t.flagsUnknown).map((t) => t.id);
    const unknown = now.tenants.filter((t) => t.flagsUnknown).length;
    const state = now.stats.blocked ? 'BLOCKED by the broker' : now.stats.state;
    const broker = withBroker ? await brokerFigures(managementUrl) : null;
    print(
      [
        `${state}: ${fmt((now.stats.published - last.stats.published) / seconds)} ev/s confirmed`,
        `(${perTenant
          .slice(0, 3)
          .map((t) => `${t.id} ${fmt(t.rate)}`)
          .join(', ')})`,
        drops.length > 0 ? `dropped ${drops.map((d) => `${d.reason} ${fmt(d.rate)}/s`).join(', ')}` : '',
        off.length > 0
          ? `switched off: ${off.slice(0, 5).join(', ')}${off.length > 5 ? ` +${off.length - 5}` : ''}`
          : '',
        unknown > 0 ? `flags unknown: ${unknown} tenant${unknown === 1 ? '' : 's'} held` : '',
        `in flight ${now.stats.inFlight}, channels opened ${now.stats.channelsOpened}`,
        broker ? `| broker: ${broker.connections} connections, ${broker.channels} channels` : '',
      ]
        .filter(Boolean)
        .join(' '),
    );
    last = now;
  };
}

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1).replace(/\.0$/, '');
}
