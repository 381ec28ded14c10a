import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { killSwitchEntry } from '../../../electron/core/actions/testing/audit-entry';
import type { AppInfo, AuditEntry, BrokerHealth, FlagInfo } from '../../../electron/core/api';
import { AppContext, type AppStores, createAppStores } from '../../app/context';
import { brokerHealthSample } from '../../testing/broker-health-sample';
import { MemoryClient } from '../../testing/memory-client';
import type { BrokerState } from '../broker/broker-store';
import type { SourcesState } from '../sources/sources-store';
import { row, snapshot, tick } from '../traffic/test-data';
import { applySnapshot } from '../traffic/traffic-store';
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
function renderDialog(
  providerKind: string,
  intent: ChangeIntent,
  state: Partial<ActionsState> = {},
  production = false,
  prepare: (stores: AppStores) => void = () => {},
): string {
  const client = new MemoryClient({ tenants: 5 });
  const stores = createAppStores();
  prepare(stores);
  const info = {
    profile: { name: production ? 'prod' : 'staging', production, readOnly: false },
    flagProvider: { kind: providerKind, label: providerKind },
    sources: [],
  } as unknown as AppInfo;
  stores.sources = createStore<SourcesState>(() => ({ info, sources: [], error: null }));
  stores.actions = createStore<ActionsState>(() => ({
    intent,
    phase: 'edit',
    entry: null,
    error: null,
    submitted: null,
    ...state,
  }));
  return renderToStaticMarkup(
    <AppContext.Provider value={{ client, stores }}>
      <ChangeDialog />
    </AppContext.Provider>,
  );
}

describe('ChangeDialog: what a kill will stop', () => {
  const kill: ChangeIntent = { kind: 'flip', tenantId: 'acme', publish: false };
  // a server render reads a store's initial state (the traffic model is mutated in place)
  const withBrokers = (stores: AppStores, current: BrokerHealth[]) => {
    const initial = { ...stores.broker.getState(), current };
    stores.broker = createStore<BrokerState>(() => initial);
  };
  const withTraffic = (stores: AppStores) =>
    applySnapshot(stores.traffic, snapshot(tick(1, [row('acme', 2_000), row('globex', 6_000)])));

  it('names the tenant, its rate and its share of all traffic', () => {
    const html = renderDialog('embedded', kill, {}, false, withTraffic);
    expect(html).toContain('~2,000 events/s, 25% of all traffic will stop.');
  });

  it('and how much of the broker it is eating, when a broker is watched', () => {
    const html = renderDialog('embedded', kill, {}, false, (stores) => {
      withTraffic(stores);
      withBrokers(stores, [
        brokerHealthSample({ publishRate: 5_000 }),
        brokerHealthSample({ sourceId: 'b', publishRate: 3_000 }),
      ]);
    });
    expect(html).toContain(
      '~2,000 events/s, 25% of all traffic (25% of broker publishes, 8,000/s) will stop.',
    );
  });

  it('leaves the broker out when the figures are not comparable (more events than the broker takes)', () => {
    const html = renderDialog('embedded', kill, {}, false, (stores) => {
      withTraffic(stores);
      withBrokers(stores, [brokerHealthSample({ publishRate: 500 })]);
    });
    expect(html).toContain('~2,000 events/s, 25% of all traffic will stop.');
  });
});

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

describe('ChangeDialog: a change refused over conflicting pending changes', () => {
  const kill: ChangeIntent = { kind: 'flip', tenantId: 'acme', publish: false };
  const failedEntry = (extra: Partial<AuditEntry>): AuditEntry =>
    killSwitchEntry({
      provider: 'launchdarkly',
      outcome: 'failed',
      error: 'LaunchDarkly refused to set publish-events: it conflicts with pending changes on the flag',
      ...extra,
    });
  const failed = (entry: AuditEntry, production = false) =>
    renderDialog(
      'launchdarkly',
      kill,
      {
        phase: 'failed',
        entry,
        error: entry.error,
        submitted: { reason: 'INC-7', timeboxMs: null, confirm: null },
      },
      production,
    );

  it('lists the conflicts and offers "Apply anyway", naming what is confirmed as the dialog does', () => {
    const entry = failedEntry({
      conflicts: [
        'scheduled turnFlagOff at 18:00 by alex@example.com',
        'approval request by sam@example.com',
      ],
    });
    const html = failed(entry);
    expect(html).toContain('data-testid="conflict-list"');
    expect(html).toContain('<li>scheduled turnFlagOff at 18:00 by alex@example.com</li>');
    expect(html).toContain('<li>approval request by sam@example.com</li>');
    expect(html).toMatch(/data-testid="conflict-apply-anyway"[^>]*>Apply anyway: Stop acme</);
    expect(failed(entry, true)).toMatch(/>Apply anyway: Stop acme in production</);
    // a provider that did not describe them: still offered, saying so
    const unlisted = failed(failedEntry({ conflicts: [] }));
    expect(unlisted).toContain('which did not list them');
    expect(unlisted).toContain('data-testid="conflict-apply-anyway"');
  });

  it('offers no "Apply anyway" for any other failure, for approvals, nor while editing', () => {
    const others = [
      failed(failedEntry({ error: 'provider write failed: 503' })),
      failed(
        failedEntry({
          approval: { state: 'required', requestId: null, requestedBy: null, requestedAt: null, error: null },
        }),
      ),
      renderDialog('launchdarkly', kill),
    ];
    for (const html of others) expect(html).not.toContain('conflict-apply-anyway');
    expect(others[1]).toContain('data-testid="approval-request"');
  });
});

describe('ChangeDialog: what an applied change still needs said', () => {
  const kill: ChangeIntent = { kind: 'flip', tenantId: 'acme', publish: false };
  const applied = (extra: Partial<AuditEntry>): AuditEntry =>
    killSwitchEntry({
      id: 'a2',
      at: new Date().toISOString(),
      reason: 'INC-8',
      timeboxMs: 900_000,
      outcome: 'applied',
      confirmedAt: new Date().toISOString(),
      ...extra,
    });
  const done = (entry: AuditEntry) => renderDialog('embedded', kill, { phase: 'done', entry });

  it("shows an applied change's warning (time box not saved), as a warning", () => {
    const warning = 'the time box could not be saved; the revert runs only while Switchboard stays open';
    const html = done(applied({ error: warning }));
    expect(html).toContain('data-outcome="applied"');
    expect(html).toContain('data-warned="true"');
    expect(html).toMatch(/data-testid="flip-warning"[^>]*>.*the time box could not be saved/);
    const plain = done(applied({}));
    expect(plain).not.toContain('flip-warning');
    expect(plain).not.toContain('data-warned');
  });

  it('says a kill that did not stop traffic did not, as a warning, not "settling"', () => {
    const html = done(applied({ effect: { before: 8400, after: 8350, ms: 30_000, settled: false } }));
    expect(html).toContain('traffic did not stop');
    expect(html).toContain('still 8,350 ev/s 30 s after the switch');
    expect(html).not.toContain('settling');
    expect(html).toMatch(/data-testid="flip-effect"[^>]*data-tone="warn"/);
    expect(html).toContain('data-warned="true"');
    const stopped = done(applied({ effect: { before: 8400, after: 0, ms: 1300, settled: true } }));
    expect(stopped).toMatch(/data-testid="flip-effect"[^>]*data-tone="ok"/);
    expect(stopped).toContain('acme: 8,400 → 0 ev/s in 1.3 s');
  });
});

describe('ChangeDialog: a production profile asks for the name typed', () => {
  it('asks for the tenant id before a tenant change, and keeps the confirm button disabled until then', () => {
    const html = renderDialog('embedded', { kind: 'flip', tenantId: 'acme', publish: false }, {}, true);
    expect(html).toContain('data-testid="flip-confirm-name"');
    expect(html).toMatch(/Type the tenant id <code[^>]*>acme<\/code> to confirm/);
    expect(html).toMatch(/<button[^>]*data-testid="flip-confirm"[^>]*disabled=""/);
  });

  it('asks for the flag key before a change to everyone', () => {
    const html = renderDialog('embedded', { kind: 'flag-enabled', flag, enabled: false }, {}, true);
    expect(html).toMatch(/Type the flag key <code[^>]*>publish-events<\/code> to confirm/);
  });

  it('asks nothing more outside production', () => {
    const html = renderDialog('embedded', { kind: 'flip', tenantId: 'acme', publish: false });
    expect(html).not.toContain('flip-confirm-name');
  });
});
