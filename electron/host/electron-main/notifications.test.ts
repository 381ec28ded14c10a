import { describe, expect, it } from 'vitest';
import type { Alert } from '../../core/api';
import { createFakeCore } from '../testing/fake-core';
import { createSpikeNotifier, type SpikeNotice } from './notifications';

const alert = (
  kind: Alert['kind'],
  tenantId: string | null,
  message = `${tenantId}: 14× baseline`,
): Alert => ({
  id: `${kind}-${tenantId}`,
  at: 0,
  kind,
  severity: 'critical',
  tenantId,
  message,
});

function setup(options: { supported?: boolean } = {}) {
  const core = createFakeCore();
  const notices: SpikeNotice[] = [];
  const clock = { t: 1_000_000 };
  const dispose = createSpikeNotifier({
    subscribe: core.subscribe,
    notify: (notice) => notices.push(notice),
    isSupported: () => options.supported ?? true,
    now: () => clock.t,
    perTenantCooldownMs: 60_000,
    minIntervalMs: 10_000,
  });
  return { core, notices, clock, dispose };
}

describe('spike notifications', () => {
  it('notifies on a spike, and on nothing else', () => {
    const { core, notices } = setup();
    for (const kind of ['spike-ended', 'over-limit', 'flip-failed', 'revert', 'source'] as const) {
      core.emit('alerts.onAlert', alert(kind, 'acme'));
    }
    core.emit('traffic.onPaused', { paused: true });
    expect(notices).toEqual([]);
    core.emit('alerts.onAlert', alert('spike', 'acme'));
    expect(notices).toEqual([{ title: 'Spike: acme', body: 'acme: 14× baseline', tenantId: 'acme' }]);
  });

  it('announces a flapping tenant once per cooldown', () => {
    const { core, notices, clock } = setup();
    core.emit('alerts.onAlert', alert('spike', 'acme'));
    clock.t += 30_000;
    core.emit('alerts.onAlert', alert('spike', 'acme'));
    expect(notices).toHaveLength(1);
    clock.t += 31_000;
    core.emit('alerts.onAlert', alert('spike', 'acme'));
    expect(notices).toHaveLength(2);
  });

  it('folds a storm into one notification per interval, counting the rest', () => {
    const { core, notices, clock } = setup();
    core.emit('alerts.onAlert', alert('spike', 'a'));
    core.emit('alerts.onAlert', alert('spike', 'b'));
    core.emit('alerts.onAlert', alert('spike', 'c'));
    expect(notices).toHaveLength(1);
    clock.t += 10_000;
    core.emit('alerts.onAlert', alert('spike', 'd'));
    expect(notices.map((n) => n.body)).toEqual(['a: 14× baseline', 'd: 14× baseline (+2 more spikes)']);
  });

  it('stays quiet where notifications are unsupported, and unsubscribes', () => {
    const { core, notices, dispose } = setup({ supported: false });
    core.emit('alerts.onAlert', alert('spike', 'acme'));
    expect(notices).toEqual([]);
    dispose();
    expect(core.listenerCount()).toBe(0);
  });
});
