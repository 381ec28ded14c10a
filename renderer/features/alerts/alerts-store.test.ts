import { describe, expect, it } from 'vitest';
import {
  AUTO_DISMISS_MS,
  createAlertsStore,
  dismissToast,
  expireToasts,
  HISTORY_LIMIT,
  markSeen,
  pushToast,
  type Toast,
} from './alerts-store';

const toast = (
  id: string,
  kind: Toast['kind'],
  tenantId: string | null,
  extra: Partial<Toast> = {},
): Toast => ({
  id,
  at: 1_000,
  kind,
  severity: kind === 'spike' ? 'critical' : 'info',
  tenantId,
  message: `${kind} ${tenantId ?? ''}`,
  ...extra,
});

describe('alert toasts', () => {
  it('retires a tenant’s spike and over-limit toasts when its spike ends, and keeps them in the history', () => {
    const store = createAlertsStore();
    pushToast(store, toast('s1', 'spike', 'acme'));
    pushToast(store, toast('s2', 'spike', 'globex'));
    pushToast(store, toast('o1', 'over-limit', 'acme', { severity: 'warning' }));
    pushToast(store, toast('o2', 'over-limit', 'globex', { severity: 'warning' }));
    pushToast(store, toast('e1', 'spike-ended', 'acme'));
    expect(store.getState().toasts.map((t) => t.id)).toEqual(['e1', 'o2', 's2']);
    expect(store.getState().history.map((t) => t.id)).toEqual(['e1', 'o2', 'o1', 's2', 's1']);
  });

  it('retires an over-limit toast when that tenant is switched off, and nothing else', () => {
    const store = createAlertsStore();
    pushToast(store, toast('s1', 'spike', 'acme'));
    pushToast(store, toast('o1', 'over-limit', 'acme', { severity: 'warning' }));
    pushToast(store, toast('o2', 'over-limit', 'globex', { severity: 'warning' }));
    pushToast(store, toast('x1', 'over-limit-ended', 'acme'));
    expect(store.getState().toasts.map((t) => t.id)).toEqual(['x1', 'o2', 's1']);
  });

  it('replaces a toast with a newer one of the same topic (a broker alarm by its end)', () => {
    const store = createAlertsStore();
    pushToast(store, toast('m1', 'source', null, { severity: 'critical', topic: 'rabbitmq:memory' }));
    pushToast(store, toast('b1', 'source', null, { severity: 'critical', topic: 'rabbitmq:blocked' }));
    pushToast(store, toast('x1', 'source', null, { severity: 'warning' }));
    pushToast(store, toast('m2', 'source', null, { topic: 'rabbitmq:memory' }));
    expect(store.getState().toasts.map((t) => t.id)).toEqual(['m2', 'x1', 'b1']);
    expect(store.getState().history.map((t) => t.id)).toEqual(['m2', 'x1', 'b1', 'm1']);
  });

  it('counts the alerts not yet looked at in the panel, and the worst of them', () => {
    const store = createAlertsStore();
    pushToast(store, toast('a', 'revert', 'acme'));
    pushToast(store, toast('b', 'spike', 'acme'));
    pushToast(store, toast('c', 'source', null, { severity: 'warning' }));
    expect(store.getState()).toMatchObject({ unseen: 3, unseenSeverity: 'critical' });
    dismissToast(store, 'b');
    expect(store.getState().unseen).toBe(3); // dismissing a toast is not reading the history
    markSeen(store);
    expect(store.getState()).toMatchObject({ unseen: 0, unseenSeverity: null });
    pushToast(store, toast('d', 'revert', 'acme'));
    expect(store.getState()).toMatchObject({ unseen: 1, unseenSeverity: 'info' });
    expect(store.getState().history.map((t) => t.id)).toEqual(['d', 'c', 'b', 'a']);
  });

  it('keeps the last HISTORY_LIMIT alerts', () => {
    const store = createAlertsStore();
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) pushToast(store, toast(`t${i}`, 'revert', 'acme'));
    const { history } = store.getState();
    expect(history).toHaveLength(HISTORY_LIMIT);
    expect(history[0]!.id).toBe(`t${HISTORY_LIMIT + 4}`);
  });

  it('shows each alert once, newest first', () => {
    const store = createAlertsStore();
    pushToast(store, toast('a', 'flip-failed', 'acme', { severity: 'critical' }));
    pushToast(store, toast('a', 'flip-failed', 'acme', { severity: 'critical' }));
    pushToast(store, toast('b', 'source', null, { severity: 'warning' }));
    expect(store.getState().toasts.map((t) => t.id)).toEqual(['b', 'a']);
  });

  it('lets non-critical toasts expire and keeps critical ones until dismissed', () => {
    const store = createAlertsStore();
    pushToast(store, toast('crit', 'spike', 'acme'));
    pushToast(store, toast('info', 'revert', 'acme'));
    expireToasts(store, 1_000 + AUTO_DISMISS_MS - 1);
    expect(store.getState().toasts).toHaveLength(2);
    expireToasts(store, 1_000 + AUTO_DISMISS_MS);
    expect(store.getState().toasts.map((t) => t.id)).toEqual(['crit']);
  });
});
