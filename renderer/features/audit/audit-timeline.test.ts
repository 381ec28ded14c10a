import { describe, expect, it } from 'vitest';
import type { AuditEntry, ProviderEvent } from '../../../electron/core/api';
import { MATCH_AFTER_MS, mergeTimeline, type ProviderRow, type SwitchboardRow } from './audit-timeline';

// Notes in the adapters' formats (electron/core/flags: Unleash `reasonNote`, LaunchDarkly `commentOf`).
const unleashNote = (tenant: string, on: boolean, actor: string, reason: string, auditId: string) =>
  `${tenant} ${on ? 'on' : 'off'} — ${actor}: ${reason} (Switchboard audit ${auditId})`;
const ldComment = (reason: string, actor: string, auditId: string) =>
  `${reason} — ${actor} via Switchboard (audit ${auditId})`;

const T0 = Date.parse('2024-05-01T10:00:00.000Z');
const iso = (ms: number) => new Date(T0 + ms).toISOString();

function entry(over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id: 'a-1',
    at: iso(0),
    actor: 'alice',
    action: 'set-tenant-flag',
    flagKey: 'publish-events',
    tenantId: 'acme',
    value: false,
    previous: true,
    reason: 'INC-11: acme over its limit',
    timeboxMs: null,
    revertAt: null,
    provider: 'unleash',
    outcome: 'applied',
    error: null,
    confirmedAt: iso(800),
    effect: null,
    approval: null,
    ...over,
  };
}

function event(over: Partial<ProviderEvent> = {}): ProviderEvent {
  return {
    id: '101',
    at: iso(300),
    provider: 'unleash',
    actor: 'switchboard-token',
    flagKey: 'publish-events',
    summary: 'switchboard-token updated publish-events in project default',
    comment: null,
    ...over,
  };
}

const own = (rows: ReturnType<typeof mergeTimeline>) =>
  rows.filter((r): r is SwitchboardRow => r.source === 'switchboard');
const theirs = (rows: ReturnType<typeof mergeTimeline>) =>
  rows.filter((r): r is ProviderRow => r.source === 'provider');
const keys = (rows: ReturnType<typeof mergeTimeline>) => rows.map((r) => r.key);

describe('mergeTimeline: interleaving', () => {
  it('puts both logs in one list, newest first, whatever order they came in', () => {
    const entries = [
      entry({ id: 'old', at: iso(-60_000), reason: 'r-old' }),
      entry({ id: 'new', at: iso(60_000), reason: 'r-new' }),
    ];
    const events = [
      event({ id: 'e-mid', at: iso(0), actor: 'bob', summary: 'bob archived checkout-v1' }),
      event({ id: 'e-newest', at: iso(120_000), actor: 'bob', summary: 'bob created checkout-v2' }),
      event({ id: 'e-oldest', at: iso(-120_000), actor: 'bob', summary: 'bob tagged checkout-v1' }),
    ];
    expect(keys(mergeTimeline(entries, events))).toEqual([
      'unleash:e-newest',
      'switchboard:new',
      'unleash:e-mid',
      'switchboard:old',
      'unleash:e-oldest',
    ]);
  });

  it('shows only our entries when the provider keeps no log (embedded), and only its events when we made none', () => {
    expect(keys(mergeTimeline([entry()], []))).toEqual(['switchboard:a-1']);
    expect(keys(mergeTimeline([], [event({ id: '7' })]))).toEqual(['unleash:7']);
    expect(mergeTimeline([], [])).toEqual([]);
  });

  it('orders at the same instant our row before the provider one, and an unreadable time last', () => {
    const rows = mergeTimeline(
      [entry({ id: 'same', at: iso(0), reason: 'x' }), entry({ id: 'bad', at: 'not a date', reason: 'y' })],
      [event({ id: 'e', at: iso(0), actor: 'bob', summary: 'bob did something' })],
    );
    expect(keys(rows)).toEqual(['switchboard:same', 'unleash:e', 'switchboard:bad']);
  });

  it('shows an event the provider listed twice once', () => {
    const e = event({ id: '9', actor: 'bob', summary: 'bob created checkout-v2', flagKey: 'checkout-v2' });
    expect(keys(mergeTimeline([], [e, { ...e }]))).toEqual(['unleash:9']);
  });
});

describe('mergeTimeline: the provider’s record of our change is shown once', () => {
  it('folds Unleash’s event carrying our audit id into our row', () => {
    const e = entry();
    const rows = mergeTimeline(
      [e],
      [event({ comment: unleashNote('acme', false, 'alice', e.reason, e.id) })],
    );
    expect(rows).toHaveLength(1);
    expect(own(rows)[0]!.records.map((r) => r.id)).toEqual(['101']);
  });

  it('folds every event of one change — a repaired write logs twice — into the one row', () => {
    const e = entry();
    const note = unleashNote('acme', false, 'alice', e.reason, e.id);
    const rows = mergeTimeline(
      [e],
      [
        event({ id: '101', at: iso(300), comment: note }),
        event({ id: '102', at: iso(900), comment: `${note} (repair 1)` }),
      ],
    );
    expect(rows).toHaveLength(1);
    expect(own(rows)[0]!.records.map((r) => r.id)).toEqual(['102', '101']);
  });

  it('ties by audit id however late the provider logged it, and to that entry only', () => {
    const first = entry({ id: 'a-1', at: iso(0), reason: 'same words' });
    const second = entry({ id: 'a-2', at: iso(2_000), reason: 'same words' });
    const rows = mergeTimeline(
      [first, second],
      [event({ at: iso(60_000), comment: unleashNote('acme', false, 'alice', 'same words', 'a-1') })],
    );
    expect(own(rows).find((r) => r.entry.id === 'a-1')!.records).toHaveLength(1);
    expect(own(rows).find((r) => r.entry.id === 'a-2')!.records).toHaveLength(0);
    expect(theirs(rows)).toHaveLength(0);
  });

  it('folds LaunchDarkly’s entry whose comment is our reason into our row', () => {
    const e = entry({ provider: 'launchdarkly', reason: 'INC-22: globex', tenantId: 'globex' });
    const rows = mergeTimeline(
      [e],
      [
        event({
          provider: 'launchdarkly',
          actor: 'ops@example.com',
          summary: 'Ops updated the flag Publish events in production',
          comment: ldComment(e.reason, 'alice', e.id),
        }),
      ],
    );
    expect(theirs(rows)).toHaveLength(0);
    expect(own(rows)[0]!.records).toHaveLength(1);
  });

  it('folds LaunchDarkly’s time-box entry (no audit id) for the same tenant into our time-boxed flip', () => {
    const e = entry({ provider: 'launchdarkly', timeboxMs: 3_600_000, revertAt: iso(3_600_000) });
    const rows = mergeTimeline(
      [e],
      [
        event({
          id: 'flip',
          provider: 'launchdarkly',
          at: iso(200),
          comment: ldComment(e.reason, 'alice', e.id),
        }),
        event({
          id: 'box',
          provider: 'launchdarkly',
          at: iso(700),
          comment: `Switchboard time box: acme reverts to true at ${iso(3_600_000)}`,
        }),
      ],
    );
    expect(theirs(rows)).toHaveLength(0);
    expect(own(rows)[0]!.records.map((r) => r.id)).toEqual(['box', 'flip']);
  });

  it('folds Unleash’s on/off event of ours (it takes no comment) into our flag-wide entry', () => {
    const e = entry({
      action: 'set-flag-enabled',
      tenantId: null,
      value: false,
      previous: true,
      reason: 'freeze',
    });
    const rows = mergeTimeline(
      [e],
      [
        event({
          at: iso(400),
          summary:
            'switchboard-token disabled publish-events for the production environment in project default',
        }),
      ],
    );
    expect(theirs(rows)).toHaveLength(0);
    expect(own(rows)[0]!.records).toHaveLength(1);
  });

  it('counts the window from the confirmation when the write took a while', () => {
    const e = entry({
      action: 'set-flag-enabled',
      tenantId: null,
      value: true,
      confirmedAt: iso(20_000),
    });
    const logged = event({ at: iso(20_000 + MATCH_AFTER_MS - 100), summary: 'token enabled publish-events' });
    expect(theirs(mergeTimeline([e], [logged]))).toHaveLength(0);
  });
});

describe('mergeTimeline: no false merge', () => {
  it('keeps someone else’s edit of the same flag in the same minute as its own row', () => {
    const e = entry();
    const rows = mergeTimeline(
      [e],
      [
        event({ id: 'ours', comment: unleashNote('acme', false, 'alice', e.reason, e.id) }),
        // a person changing the strategy in Unleash's UI 20 s later: no note, not within seconds
        event({ id: 'bob', at: iso(20_000), actor: 'bob', summary: 'bob updated publish-events' }),
        // and one at the very same second, still with no note of ours: a tenant entry needs our note
        event({ id: 'carol', at: iso(300), actor: 'carol', summary: 'carol updated publish-events' }),
      ],
    );
    expect(own(rows)[0]!.records.map((r) => r.id)).toEqual(['ours']);
    expect(theirs(rows).map((r) => r.event.id)).toEqual(['bob', 'carol']);
  });

  it('keeps a person’s toggle of the flag a few seconds after ours when our identity is known and differs', () => {
    const e = entry({
      id: 'a-1',
      action: 'set-flag-enabled',
      tenantId: null,
      value: false,
      reason: 'freeze',
    });
    const earlier = entry({ id: 'a-0', at: iso(-600_000), reason: 'earlier', confirmedAt: iso(-599_000) });
    const rows = mergeTimeline(
      [e, earlier],
      [
        // our earlier tenant write shows that our token is "switchboard-token"
        event({
          id: 'e0',
          at: iso(-599_500),
          comment: unleashNote('acme', false, 'alice', 'earlier', 'a-0'),
        }),
        event({
          id: 'human',
          at: iso(1_500),
          actor: 'admin',
          summary: 'admin disabled publish-events for production',
        }),
      ],
    );
    expect(own(rows).find((r) => r.entry.id === 'a-1')!.records).toHaveLength(0);
    expect(theirs(rows).map((r) => r.event.id)).toEqual(['human']);
  });

  it('keeps a toggle the other way, of another flag, or outside the window', () => {
    const e = entry({ action: 'set-flag-enabled', tenantId: null, value: false, reason: 'freeze' });
    const rows = mergeTimeline(
      [e],
      [
        event({ id: 'other-way', at: iso(500), summary: 'token enabled publish-events for production' }),
        event({ id: 'other-flag', at: iso(500), flagKey: 'checkout', summary: 'token disabled checkout' }),
        event({
          id: 'late',
          at: iso(800 + MATCH_AFTER_MS + 1_000),
          summary: 'token disabled publish-events',
        }),
        event({ id: 'no-direction', at: iso(500), summary: 'token updated publish-events' }),
      ],
    );
    expect(own(rows)[0]!.records).toHaveLength(0);
    expect(theirs(rows)).toHaveLength(4);
  });

  it('keeps an event naming an audit id we do not hold (another Switchboard, or older than what we loaded)', () => {
    const e = entry({ id: 'a-1' });
    const rows = mergeTimeline(
      [e],
      [event({ at: iso(100), comment: unleashNote('acme', false, 'bob', e.reason, 'someone-elses') })],
    );
    expect(own(rows)[0]!.records).toHaveLength(0);
    expect(theirs(rows)[0]!.tenantId).toBe('acme');
  });

  it('keeps a LaunchDarkly entry whose comment is not our reason, or that has none', () => {
    const e = entry({ provider: 'launchdarkly', reason: 'INC-22' });
    const rows = mergeTimeline(
      [e],
      [
        event({ id: 'other-words', provider: 'launchdarkly', at: iso(200), comment: 'tidying up targets' }),
        event({ id: 'silent', provider: 'launchdarkly', at: iso(200), comment: null }),
      ],
    );
    expect(own(rows)[0]!.records).toHaveLength(0);
    expect(theirs(rows)).toHaveLength(2);
  });

  it('keeps a flag-wide LaunchDarkly toggle without our comment, even at the same second', () => {
    const e = entry({ provider: 'launchdarkly', action: 'set-flag-enabled', tenantId: null, value: false });
    const rows = mergeTimeline(
      [e],
      [event({ provider: 'launchdarkly', at: iso(100), summary: 'Bob turned off the flag Publish events' })],
    );
    expect(own(rows)[0]!.records).toHaveLength(0);
  });

  it('does not fold a time-box note for another tenant, nor a note into a failed change without our id', () => {
    const boxed = entry({ provider: 'launchdarkly', tenantId: 'acme' });
    const failed = entry({
      id: 'a-f',
      provider: 'unleash',
      action: 'set-flag-enabled',
      tenantId: null,
      value: false,
      outcome: 'failed',
      error: 'refused',
    });
    const rows = mergeTimeline(
      [boxed, failed],
      [
        event({
          id: 'box-globex',
          provider: 'launchdarkly',
          comment: `Switchboard time box: globex reverts to true at ${iso(60_000)}`,
        }),
        event({ id: 'toggle', provider: 'unleash', at: iso(200), summary: 'admin disabled publish-events' }),
      ],
    );
    expect(own(rows).every((r) => r.records.length === 0)).toBe(true);
    expect(theirs(rows).find((r) => r.event.id === 'box-globex')!.tenantId).toBe('globex');
  });

  it('does not fold the same reason written by another Switchboard for another tenant into our entry', () => {
    const e = entry({ tenantId: 'acme', reason: 'noisy' });
    const rows = mergeTimeline(
      [e],
      // the note names globex and no audit id of ours: a different change with the same words
      [event({ at: iso(200), comment: 'globex off — bob: noisy (Switchboard audit b-9)' })],
    );
    expect(own(rows)[0]!.records).toHaveLength(0);
    expect(theirs(rows)[0]!.tenantId).toBe('globex');
  });
});

describe('mergeTimeline: provider events with no tenant', () => {
  it('keeps events with no flag and no note as rows of their own, without a tenant', () => {
    const rows = mergeTimeline(
      [entry()],
      [
        event({
          id: 'seg',
          at: iso(100),
          flagKey: null,
          actor: 'bob',
          summary: 'bob updated segment beta-users',
        }),
      ],
    );
    const row = theirs(rows)[0]!;
    expect(row.tenantId).toBeNull();
    expect(row.event.summary).toContain('segment');
    expect(own(rows)[0]!.records).toHaveLength(0);
  });

  it('reads the tenant from a note of another Switchboard, and none from a person’s comment', () => {
    const rows = mergeTimeline(
      [],
      [
        event({ id: 'sb', comment: unleashNote('initech', true, 'bob', 'done', 'x-1') }),
        event({ id: 'human', comment: 'acme on — trust me' }),
      ],
    );
    const byId = new Map(theirs(rows).map((r) => [r.event.id, r.tenantId]));
    expect(byId.get('sb')).toBe('initech');
    expect(byId.get('human')).toBeNull();
  });
});
