import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { AppInfo } from '../../../electron/core/api';
import { AppContext, createAppStores } from '../../app/context';
import { MemoryClient } from '../../testing/memory-client';
import type { SourcesState } from '../sources/sources-store';
import { row, snapshot, tick } from '../traffic/test-data';
import { applySnapshot } from '../traffic/traffic-store';
import type { AlertsState, Toast } from './alerts-store';
import { Toasts } from './Toasts';

const toast = (id: string, kind: Toast['kind'], tenantId: string | null): Toast => ({
  id,
  at: 1_700_000_000_000,
  kind,
  severity: kind === 'spike' ? 'critical' : 'warning',
  tenantId,
  message: `${kind} ${tenantId ?? 'everyone'}`,
});

/** The toasts as a server render: zustand serves a store's initial state there. */
function renderToasts(toasts: Toast[], readOnly = false): string {
  const stores = createAppStores();
  const info = {
    profile: { name: 'staging', production: false, readOnly },
    sources: [],
  } as unknown as AppInfo;
  stores.sources = createStore<SourcesState>(() => ({ info, sources: [], error: null }));
  stores.alerts = createStore<AlertsState>(() => ({
    ...stores.alerts.getState(),
    toasts,
    history: toasts,
  }));
  applySnapshot(
    stores.traffic,
    snapshot(tick(1, [row('acme', 2_000), row('globex', 0, { publishing: false, status: 'off' })])),
  );
  return renderToStaticMarkup(
    <AppContext.Provider value={{ client: new MemoryClient({ tenants: 1 }), stores }}>
      <Toasts />
    </AppContext.Provider>,
  );
}

const stopButtons = (html: string) => html.match(/data-testid="toast-stop"/g)?.length ?? 0;

describe('toasts', () => {
  it('offer the kill switch on a spike or over-limit toast of a tenant that is still publishing', () => {
    const html = renderToasts([
      toast('a', 'spike', 'acme'),
      toast('b', 'over-limit', 'acme'),
      toast('c', 'spike', 'globex'),
      toast('d', 'source', null),
      toast('e', 'effect', 'acme'),
      toast('f', 'silent', 'acme'),
    ]);
    // acme's spike and over-limit toasts; not globex (already off), nor a source, effect or silence
    // toast (a tenant that stopped sending has nothing to stop)
    expect(stopButtons(html)).toBe(2);
    expect(html).toContain('Stop publishing events for acme');
    expect(html).not.toContain('Stop publishing events for globex');
  });

  it('offer no kill switch in a read-only profile', () => {
    expect(stopButtons(renderToasts([toast('a', 'spike', 'acme')], true))).toBe(0);
  });
});
