import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { AppInfo, FlagInfo } from '../../../electron/core/api';
import { AppContext, createAppStores } from '../../app/context';
import { MemoryClient } from '../../testing/memory-client';
import type { SourcesState } from '../sources/sources-store';
import type { ActionsState, ChangeIntent } from './actions-store';
import { ChangeDialog } from './ChangeDialog';

const flag: FlagInfo = {
  key: 'publish-events',
  description: 'kill switch',
  kind: 'kill-switch',
  enabled: true,
  valueType: 'boolean',
  variants: { on: true, off: false },
  defaultVariant: 'on',
  offValue: false,
};

/** The dialog as a server render: zustand serves a store's initial state there, so the stores start in it. */
function renderDialog(providerKind: string, intent: ChangeIntent): string {
  const client = new MemoryClient({ tenants: 5 });
  const stores = createAppStores();
  const info = {
    profile: { name: 'staging', production: false, readOnly: false },
    flagProvider: { kind: providerKind, label: providerKind },
    sources: [],
  } as unknown as AppInfo;
  stores.sources = createStore<SourcesState>(() => ({ info, sources: [], error: null }));
  stores.actions = createStore<ActionsState>(() => ({ intent, phase: 'edit', entry: null, error: null }));
  return renderToStaticMarkup(
    <AppContext.Provider value={{ client, stores }}>
      <ChangeDialog />
    </AppContext.Provider>,
  );
}

describe('ChangeDialog: where the reason is kept', () => {
  it('on an Unleash profile, says under the reason that a flag-wide off keeps its reason only in Switchboard', () => {
    const html = renderDialog('unleash', { kind: 'flag-enabled', flag, enabled: false });
    expect(html).toContain('data-testid="flip-reason-note"');
    expect(html).toContain('Unleash records who turned publish-events off (the token or user) but not why');
    // under the reason field, not somewhere else in the dialog
    expect(html.indexOf('flip-reason-note')).toBeGreaterThan(html.indexOf('data-testid="flip-reason"'));
    expect(html.indexOf('flip-reason-note')).toBeLessThan(html.indexOf('data-testid="flip-timebox"'));
  });

  it('shows no such note for a tenant change on Unleash, nor for a flag-wide change on another provider', () => {
    const others = [
      renderDialog('unleash', { kind: 'flip', tenantId: 'acme', publish: false }),
      renderDialog('launchdarkly', { kind: 'flag-enabled', flag, enabled: false }),
      renderDialog('embedded', { kind: 'flag-enabled', flag, enabled: false }),
    ];
    for (const html of others) {
      expect(html).toContain('data-testid="flip-reason"');
      expect(html).not.toContain('flip-reason-note');
    }
  });
});
