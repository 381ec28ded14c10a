import { describe, expect, it } from 'vitest';
import type { Alert } from '../../core/api';
import { createFakeCore } from '../testing/fake-core';
import { createBrokerNotifier } from './broker-notifications';
import type { SpikeNotice } from './notifications';

const alert = (topic: string | undefined, severity: Alert['severity'], message = `${topic}`): Alert => ({
  id: `${topic}-${severity}`,
  at: 0,
  kind: 'source',
  severity,
  tenantId: null,
  message,
  topic,
});

function setup(supported = true) {
  const core = createFakeCore();
  const notices: SpikeNotice[] = [];
  let t = 1_000_000;
  const dispose = createBrokerNotifier({
    subscribe: core.subscribe,
    notify: (notice) => notices.push(notice),
    isSupported: () => supported,
    now: () => t,
    cooldownMs: 60_000,
  });
  const emit = (a: Alert) => core.emit('alerts.onAlert', a);
  return { notices, emit, dispose, advance: (ms: number) => (t += ms) };
}

describe('broker notifications', () => {
  it('announces a fleet-wide drop of traffic (what a blocked broker looks like from the counters), not its end', () => {
    const { notices, emit } = setup();
    const drop: Alert = {
      id: 'fleet-drop:*:1',
      at: 1,
      kind: 'fleet-drop',
      severity: 'critical',
      tenantId: null,
      topic: 'traffic:fleet-drop',
      message: 'Traffic is down for all 50 tenants at once',
    };
    emit(drop);
    emit({ ...drop, id: 'fleet-drop-ended:*:2', kind: 'fleet-drop-ended', severity: 'info' });
    emit({ ...drop, id: 'fleet-drop:*:3' });
    expect(notices).toEqual([
      {
        title: 'Traffic down for every tenant at once',
        body: 'Traffic is down for all 50 tenants at once',
        tenantId: null,
      },
    ]);
  });

  it("announces many tenants gone silent at once, once per cooldown; not one tenant's silence, nor their return", () => {
    const { notices, emit, advance } = setup();
    const many: Alert = {
      id: 'silent:*:1',
      at: 1,
      kind: 'silent',
      severity: 'warning',
      tenantId: null,
      topic: 'traffic:silent:many',
      message: '4 tenants silent with their switches on, newly ACME',
    };
    emit({ ...many, id: 'silent:acme:0', tenantId: 'acme', topic: 'traffic:silent:acme' });
    emit(many);
    emit({ ...many, id: 'silent:*:2', message: '5 tenants silent with their switches on, newly GLOBEX' });
    emit({ ...many, id: 'silent-ended:*:3', kind: 'silent-ended', severity: 'info' });
    expect(notices).toEqual([
      {
        title: 'Several tenants stopped sending',
        body: '4 tenants silent with their switches on, newly ACME',
        tenantId: null,
      },
    ]);
    advance(60_000);
    emit({ ...many, id: 'silent:*:4' });
    expect(notices).toHaveLength(2);
  });

  it('announces a memory alarm, a disk alarm and a suspected leak; not their ends, nor other alerts', () => {
    const { notices, emit } = setup();
    emit(alert('rabbitmq:blocked', 'critical'));
    emit(alert('rabbitmq:channel-max', 'warning'));
    emit(alert(undefined, 'critical'));
    emit({ ...alert('rabbitmq:memory', 'critical'), kind: 'flip-failed' });
    expect(notices).toEqual([]);
    emit(alert('rabbitmq:leak', 'warning', 'RabbitMQ a: channel leak suspected — channels 1 → 181'));
    emit(alert('rabbitmq:memory', 'critical', 'RabbitMQ a: memory alarm — publishers are blocked'));
    emit(alert('rabbitmq:memory', 'info', 'RabbitMQ a: memory alarm cleared'));
    emit(alert('rabbitmq:disk', 'critical', 'RabbitMQ a: disk alarm — publishers are blocked'));
    expect(notices).toEqual([
      {
        title: 'Broker: channel leak suspected',
        body: 'RabbitMQ a: channel leak suspected — channels 1 → 181',
        tenantId: null,
      },
      {
        title: 'Broker memory alarm: publishers blocked',
        body: 'RabbitMQ a: memory alarm — publishers are blocked',
        tenantId: null,
      },
      {
        title: 'Broker disk alarm: publishers blocked',
        body: 'RabbitMQ a: disk alarm — publishers are blocked',
        tenantId: null,
      },
    ]);
  });

  it('announces an alarm that flaps at the watermark once per cooldown, each broker on its own', () => {
    const { notices, emit, advance } = setup();
    emit(alert('a:memory', 'critical'));
    advance(30_000);
    emit(alert('a:memory', 'critical'));
    emit(alert('b:memory', 'critical'));
    expect(notices.map((n) => n.body)).toEqual(['a:memory', 'b:memory']);
    advance(31_000);
    emit(alert('a:memory', 'critical'));
    expect(notices).toHaveLength(3);
  });

  it('stays quiet where the OS has no notifications, and after dispose', () => {
    const quiet = setup(false);
    quiet.emit(alert('a:memory', 'critical'));
    expect(quiet.notices).toEqual([]);
    const { notices, emit, dispose } = setup();
    dispose();
    emit(alert('a:memory', 'critical'));
    expect(notices).toEqual([]);
  });
});
