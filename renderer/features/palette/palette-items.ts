/** What the command palette offers, as data (the component runs them). */
import type { TenantStatus, Theme } from '../../../electron/core/api';
import { STATUS_SEVERITY, type TrafficModel } from '../traffic/traffic-model';
import { type Ranked, rank } from './palette-match';

export type PaletteAction =
  | { type: 'open-tenant'; tenantId: string }
  | { type: 'flip'; tenantId: string; publish: boolean }
  | { type: 'view'; view: 'traffic' | 'flags' | 'audit' | 'health' | 'profiles' }
  | { type: 'theme' }
  | { type: 'pause'; paused: boolean }
  | { type: 'resort' }
  | { type: 'spikes-first' }
  | { type: 'alerts' };

export interface PaletteItem {
  key: string;
  label: string;
  /** right-aligned detail ("8,400/s · spike") */
  hint: string;
  group: 'command' | 'tenant' | 'action';
  action: PaletteAction;
  /** other words that find the item ("stop", "kill"), matched but not shown */
  keywords?: string;
}

export interface PaletteContext {
  model: TrafficModel;
  paused: boolean;
  theme: Theme;
  /** a read-only profile: no item that writes (the core would refuse it anyway) */
  readOnly: boolean;
  describe: (slot: number) => string;
}

function commands(ctx: PaletteContext): PaletteItem[] {
  return [
    {
      key: 'view-traffic',
      label: 'Go to traffic',
      hint: '',
      group: 'command',
      action: { type: 'view', view: 'traffic' },
    },
    {
      key: 'view-flags',
      label: 'Go to flags',
      hint: 'on/off for everyone',
      group: 'command',
      action: { type: 'view', view: 'flags' },
      keywords: 'kill switch everyone environment approval',
    },
    {
      key: 'view-audit',
      label: 'Go to audit trail',
      hint: '',
      group: 'command',
      action: { type: 'view', view: 'audit' },
    },
    {
      key: 'view-health',
      label: 'Go to broker health',
      hint: '',
      group: 'command',
      action: { type: 'view', view: 'health' },
      keywords: 'rabbitmq memory channels leak alarm',
    },
    {
      key: 'view-profiles',
      label: 'Go to connection profiles',
      hint: 'switch, test, add',
      group: 'command',
      action: { type: 'view', view: 'profiles' },
      keywords: 'staging production environment unleash launchdarkly token',
    },
    {
      key: 'pause',
      label: ctx.paused ? 'Resume live updates' : 'Pause live updates',
      hint: '',
      group: 'command',
      action: { type: 'pause', paused: !ctx.paused },
    },
    {
      key: 'theme',
      label: 'Toggle theme',
      hint: `now ${ctx.theme}`,
      group: 'command',
      action: { type: 'theme' },
    },
    {
      key: 'spikes',
      label: 'Show spiking tenants first',
      hint: 'sort by status',
      group: 'command',
      action: { type: 'spikes-first' },
    },
    {
      key: 'alerts',
      label: 'Show this session’s alerts',
      hint: '',
      group: 'command',
      action: { type: 'alerts' },
      keywords: 'notifications history toasts',
    },
    {
      key: 'resort',
      label: 'Re-sort the tenants table',
      hint: 'R',
      group: 'command',
      action: { type: 'resort' },
    },
  ];
}

function* tenantItems(ctx: PaletteContext, slots: Iterable<number>): Generator<PaletteItem> {
  const { model } = ctx;
  for (const slot of slots) {
    const id = model.ids[slot]!;
    const name = model.names[slot]!;
    const who = name === id ? id : `${name} (${id})`;
    const hint = ctx.describe(slot);
    yield {
      key: `open-${id}`,
      label: who,
      hint,
      group: 'tenant',
      action: { type: 'open-tenant', tenantId: id },
    };
    if (ctx.readOnly) continue;
    const publishing = model.publishing[slot] === 1;
    yield {
      key: `flip-${id}`,
      label: publishing ? `Switch off publishing for ${who}` : `Switch on publishing for ${who}`,
      keywords: publishing ? 'stop kill disable block' : 'start resume enable unblock',
      hint,
      group: 'action',
      action: { type: 'flip', tenantId: id, publish: !publishing },
    };
  }
}

const NEEDS_ATTENTION: ReadonlySet<TenantStatus> = new Set(['spike', 'over-limit', 'silent']);

function* allSlots(model: TrafficModel): Generator<number> {
  for (let s = 0; s < model.size; s++) yield s;
}

export function paletteResults(query: string, ctx: PaletteContext, limit = 40): Ranked<PaletteItem>[] {
  if (query.trim() === '') {
    // nothing typed: the commands, then the tenants that need attention — spiking, over limit,
    // silent — the most alarming first, then by rate
    const { model } = ctx;
    const urgent: number[] = [];
    for (let s = 0; s < model.size; s++) if (NEEDS_ATTENTION.has(model.statusOf(s))) urgent.push(s);
    const severity = (s: number) => STATUS_SEVERITY[model.status[s]!]!;
    urgent.sort((a, b) => severity(b) - severity(a) || model.rate[b]! - model.rate[a]!);
    const items = [...commands(ctx), ...tenantItems(ctx, urgent.slice(0, 10))];
    return items.slice(0, limit).map((item) => ({ item, match: { score: 0, positions: [] } }));
  }
  const all = (function* () {
    yield* commands(ctx);
    yield* tenantItems(ctx, allSlots(ctx.model));
  })();
  return rank(query, all, (item) => (item.keywords ? `${item.label} · ${item.keywords}` : item.label), limit);
}
