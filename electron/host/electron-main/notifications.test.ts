import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
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

// The notifier's clock and its hold-back timer both run on vitest's fake time.
beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});

afterEach(() => {
  vi.useRealTimers();
});

function setup(options: { supported?: boolean } = {}) {
  const core = createFakeCore();
  const notices: SpikeNotice[] = [];
  const dispose = createSpikeNotifier({
    subscribe: core.subscribe,
    notify: (notice) => notices.push(notice),
    isSupported: () => options.supported ?? true,
    perTenantCooldownMs: 60_000,
    minIntervalMs: 10_000,
  });
  const spike = (tenantId: string | null) => core.emit('alerts.onAlert', alert('spike', tenantId));
  return { core, notices, dispose, spike };
}

describe('spike notifications', () => {
  it('notifies on a spike, and on nothing else', () => {
    const { core, notices, spike } = setup();
    for (const kind of [
      'spike-ended',
      'over-limit',
      'over-limit-ended',
      'flip-failed',
      'revert',
      'source',
    ] as const) {
      core.emit('alerts.onAlert', alert(kind, 'acme'));
    }
    core.emit('traffic.onPaused', { paused: true });
    expect(notices).toEqual([]);
    spike('acme');
    expect(notices).toEqual([{ title: 'Spike: acme', body: 'acme: 14× baseline', tenantId: 'acme' }]);
  });

  it('announces a flapping tenant once per cooldown', () => {
    const { notices, spike } = setup();
    spike('acme');
    vi.advanceTimersByTime(30_000);
    spike('acme');
    expect(notices).toHaveLength(1);
    vi.advanceTimersByTime(31_000);
    spike('acme');
    expect(notices).toHaveLength(2);
  });

  it('announces the spikes held back in an interval together when it ends, though nothing else comes', () => {
    const { notices, spike } = setup();
    spike('initech');
    vi.advanceTimersByTime(2_000);
    spike('acme');
    spike('globex');
    spike('acme'); // the same tenant again: named once
    expect(notices).toHaveLength(1);
    vi.advanceTimersByTime(7_999);
    expect(notices).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(notices).toEqual([
      expect.objectContaining({ title: 'Spike: initech' }),
      {
        title: 'Spike: 2 more tenants',
        body: '2 more tenants started spiking: acme, globex',
        tenantId: null,
      },
    ]);
    // announced: the cooldown now covers them, and nothing is left to say
    spike('acme');
    vi.advanceTimersByTime(60_000);
    expect(notices).toHaveLength(2);
  });

  it('announces one held-back spike as itself, and names at most five in a summary', () => {
    const { notices, spike } = setup();
    spike('a');
    spike('b');
    vi.advanceTimersByTime(10_000);
    expect(notices.map((n) => n.body)).toEqual(['a: 14× baseline', 'b: 14× baseline']);
    expect(notices[1]?.tenantId).toBe('b');

    for (const id of ['c', 'd', 'e', 'f', 'g', 'h', 'i']) spike(id);
    vi.advanceTimersByTime(10_000);
    expect(notices[2]?.body).toBe('7 more tenants started spiking: c, d, e, f, g and 2 more');
  });

  it('folds held spikes into a notification that comes as the interval ends', () => {
    const core = createFakeCore();
    const notices: SpikeNotice[] = [];
    let t = 0;
    // a clock a little ahead of the timers: the next spike arrives before the hold-back timer fires
    createSpikeNotifier({
      subscribe: core.subscribe,
      notify: (notice) => notices.push(notice),
      now: () => t,
      minIntervalMs: 10_000,
    });
    core.emit('alerts.onAlert', alert('spike', 'a'));
    core.emit('alerts.onAlert', alert('spike', 'b'));
    core.emit('alerts.onAlert', alert('spike', 'c'));
    t = 10_000;
    core.emit('alerts.onAlert', alert('spike', 'd'));
    expect(notices.map((n) => n.body)).toEqual(['a: 14× baseline', 'd: 14× baseline (+2 more spikes: b, c)']);
    vi.advanceTimersByTime(60_000);
    expect(notices).toHaveLength(2);
  });

  it('stays quiet where notifications are unsupported, and unsubscribes', () => {
    const { core, notices, dispose, spike } = setup({ supported: false });
    spike('acme');
    expect(notices).toEqual([]);
    dispose();
    expect(core.listenerCount()).toBe(0);
  });

  it('sends nothing held back once disposed', () => {
    const { notices, dispose, spike } = setup();
    spike('a');
    spike('b');
    dispose();
    vi.advanceTimersByTime(60_000);
    expect(notices).toHaveLength(1);
  });
});
