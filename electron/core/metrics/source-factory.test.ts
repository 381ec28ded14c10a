import { describe, expect, it } from 'vitest';
import type { TenantGate } from './metrics-source';
import { FakeManagement } from './rabbitmq/testing/fake-management';
import type { SourceConfig } from './source-config';
import { createSources, sourceIds } from './source-factory';

const noGate: TenantGate = {
  allowed: () => true,
  setTenants: () => {},
  onChange: () => () => {},
  close: async () => {},
};
const deps = { gate: () => noGate, defaultTenants: 3, defaultSpikeAfterMs: null };

const rabbit = (url: string, id?: string): SourceConfig => ({ kind: 'rabbitmq', url, ...(id ? { id } : {}) });
const prometheus = (url: string, id?: string): SourceConfig => ({
  kind: 'prometheus',
  url,
  ...(id ? { id } : {}),
});
const scrape = (url: string, id?: string): SourceConfig => ({ kind: 'scrape', url, ...(id ? { id } : {}) });

describe('sourceIds', () => {
  it('keeps the plain kind for a single source of each kind', () => {
    expect(
      sourceIds([
        { kind: 'simulated' },
        rabbit('http://mq:15672'),
        prometheus('http://prom:9090'),
        scrape('http://app:8080/metrics'),
      ]),
    ).toEqual(['simulated', 'rabbitmq', 'prometheus', 'scrape']);
  });

  it('numbers a second and third source of the same kind, in list order', () => {
    expect(sourceIds([rabbit('http://a:15672'), rabbit('http://b:15672'), rabbit('http://c:15672')])).toEqual(
      ['rabbitmq', 'rabbitmq-2', 'rabbitmq-3'],
    );
    expect(sourceIds([prometheus('http://a:9090'), prometheus('http://b:9090')])).toEqual([
      'prometheus',
      'prometheus-2',
    ]);
    expect(sourceIds([scrape('http://a/metrics'), scrape('http://b/metrics')])).toEqual([
      'scrape',
      'scrape-2',
    ]);
  });

  it('is the same for the same list, whatever was computed before', () => {
    const list = [rabbit('http://a:15672'), prometheus('http://p:9090'), rabbit('http://b:15672')];
    const first = sourceIds(list);
    sourceIds([rabbit('http://x:1'), rabbit('http://y:1'), rabbit('http://z:1')]);
    expect(sourceIds(list)).toEqual(first);
    expect(first).toEqual(['rabbitmq', 'prometheus', 'rabbitmq-2']);
  });

  it('never gives a defaulted source an id the profile names explicitly, wherever it is', () => {
    expect(
      sourceIds([
        rabbit('http://a:15672'),
        rabbit('http://b:15672', 'rabbitmq'),
        rabbit('http://c:15672', 'rabbitmq-2'),
      ]),
    ).toEqual(['rabbitmq-3', 'rabbitmq', 'rabbitmq-2']);
  });

  it('renames a repeated explicit id rather than let two sources share it', () => {
    expect(sourceIds([rabbit('http://a:15672', 'broker'), rabbit('http://b:15672', 'broker')])).toEqual([
      'broker',
      'broker-2',
    ]);
  });
});

describe('createSources', () => {
  it('gives every created source — and its status — its own id', () => {
    const sources = createSources(
      [
        rabbit('http://mq-a:15672'),
        rabbit('http://mq-b:15672'),
        prometheus('http://prom-a:9090'),
        prometheus('http://prom-b:9090'),
        scrape('http://app-a/metrics'),
        scrape('http://app-b/metrics'),
      ],
      deps,
    );
    const ids = sources.map((s) => s.id);
    expect(ids).toEqual(['rabbitmq', 'rabbitmq-2', 'prometheus', 'prometheus-2', 'scrape', 'scrape-2']);
    expect(sources.map((s) => s.status().id)).toEqual(ids);
    expect(sources.map((s) => s.label)).toEqual([
      'RabbitMQ mq-a:15672',
      'RabbitMQ mq-b:15672',
      'Prometheus prom-a:9090',
      'Prometheus prom-b:9090',
      'scrape app-a',
      'scrape app-b',
    ]);
  });

  it('hands every RabbitMQ source the broker-health thresholds it is given (detection.broker)', async () => {
    const fake = await new FakeManagement().start();
    try {
      // One connection at 1,300 of its 2,047 channels (64%): under the default 80%, over a tuned 60%.
      fake.editConnections = (list) =>
        list.map((c, k) => (k === 2 ? { ...c, user_provided_name: 'busy-publisher', channels: 1_300 } : c));
      const config = { kind: 'rabbitmq' as const, url: fake.url, username: 'guest', password: 'guest' };
      const near = async (brokerDetector?: { nearChannelMaxShare: number }) => {
        const [source] = createSources([config], { ...deps, brokerDetector });
        return (await source!.sample(Date.now())).broker!.nearChannelMax.map((c) => c.connection);
      };
      expect(await near()).toEqual([]);
      expect(await near({ nearChannelMaxShare: 0.6 })).toEqual(['busy-publisher']);
    } finally {
      await fake.server.stop();
    }
  });
});
