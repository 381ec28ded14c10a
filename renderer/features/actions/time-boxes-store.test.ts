import { describe, expect, it } from 'vitest';
import type { TimeBoxInfo } from '../../../electron/core/api';
import { MemoryClient } from '../../testing/memory-client';
import {
  connectTimeBoxes,
  createTimeBoxesStore,
  loadTimeBoxes,
  setTimeBoxes,
  timeBoxOf,
  timeBoxText,
} from './time-boxes-store';

const NOW = Date.parse('2026-01-01T12:00:00.000Z');
const box = (patch: Partial<TimeBoxInfo>): TimeBoxInfo => ({
  flagKey: 'publish-events',
  tenantId: 'acme',
  revertTo: true,
  revertAt: new Date(NOW + 14 * 60_000).toISOString(),
  auditId: 'a1',
  ...patch,
});
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('time boxes', () => {
  it('finds a switch’s time box, a tenant’s apart from the flag’s for everyone', () => {
    const store = createTimeBoxesStore();
    setTimeBoxes(store, [box({}), box({ flagKey: 'new-dashboard', tenantId: null, revertTo: false })]);
    const state = store.getState();
    expect(timeBoxOf(state, 'publish-events', 'acme')?.auditId).toBe('a1');
    expect(timeBoxOf(state, 'publish-events', 'globex')).toBeNull();
    expect(timeBoxOf(state, 'publish-events', null)).toBeNull();
    expect(timeBoxOf(state, 'new-dashboard', null)?.revertTo).toBe(false);
  });

  it('says what the switch goes back to, and when', () => {
    expect(timeBoxText(box({}), NOW)).toBe('on in 14 min');
    expect(timeBoxText(box({ revertTo: false }), NOW)).toBe('off in 14 min');
    expect(timeBoxText(box({ revertTo: 'csv' }), NOW)).toBe('back to csv in 14 min');
    expect(
      timeBoxText(box({ tenantId: null, revertAt: new Date(NOW + 90 * 60_000).toISOString() }), NOW),
    ).toBe('on for everyone in 1 h 30 min');
  });

  it('loads the running time boxes and follows them as they start and end', async () => {
    const client = new MemoryClient({ tenants: 5, historyTicks: 1, spikeAfterTicks: null });
    const store = createTimeBoxesStore();
    connectTimeBoxes(store, client);
    await loadTimeBoxes(store, client);
    expect(store.getState().bySwitch.size).toBe(0);
    const kill = await client.call('actions.flip', {
      tenantId: 'acme',
      publish: false,
      reason: 'INC-9',
      timeboxMs: 15 * 60_000,
    });
    await flush();
    expect(timeBoxOf(store.getState(), 'publish-events', 'acme')).toMatchObject({
      auditId: kill.id,
      revertTo: true,
      revertAt: kill.revertAt,
    });
    await client.call('actions.flip', { tenantId: 'acme', publish: true, reason: 'fixed' });
    await flush();
    expect(timeBoxOf(store.getState(), 'publish-events', 'acme')).toBeNull();
  });
});
