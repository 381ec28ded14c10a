/**
 * The change dialog: flip a tenant's kill switch (actions.flip), set any flag for a tenant
 * (actions.setFlag) or turn a flag on/off for everyone (actions.setFlagEnabled), always with a
 * reason and an optional time box. The dialog stays open after the
 * call to show its outcome; the effect on traffic arrives later as an audit.onEntry update, which the
 * dialog reads from the audit store by entry id. A change the provider refused over conflicting pending
 * changes can be repeated as it was sent, overriding them (`applyAnyway`).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AuditEntry, FlagInfo, FlagValue, SwitchboardClient } from '../../../electron/core/api';
import { errorText } from '../../client/client';

export type ChangeIntent =
  | { kind: 'flip'; tenantId: string; publish: boolean }
  | { kind: 'flag'; tenantId: string; flagKey: string; value: FlagValue; previous: FlagValue }
  | { kind: 'flag-enabled'; flag: FlagInfo; enabled: boolean };

/** The tenant a change is for; null when it is for everyone. */
export function intentTenant(intent: ChangeIntent): string | null {
  return intent.kind === 'flag-enabled' ? null : intent.tenantId;
}

export type TimeboxChoice = 'none' | '15m' | '1h' | '4h' | 'custom';
export const TIMEBOX_MS: Record<Exclude<TimeboxChoice, 'none' | 'custom'>, number> = {
  '15m': 15 * 60_000,
  '1h': 3_600_000,
  '4h': 4 * 3_600_000,
};
export const MIN_REASON = 3;
export const MAX_CUSTOM_MINUTES = 7 * 24 * 60;

/** What was sent with the change, as the person confirmed it: "Apply anyway" repeats exactly this. */
export interface Submission {
  reason: string;
  timeboxMs: number | null;
  /** production profiles: the tenant (or flag) named by the button the person pressed */
  confirm: string | null;
}

export interface ActionsState {
  intent: ChangeIntent | null;
  phase: 'edit' | 'submitting' | 'done' | 'failed';
  entry: AuditEntry | null;
  error: string | null;
  /** the last call made for this intent, null before one */
  submitted: Submission | null;
}
export type ActionsStore = StoreApi<ActionsState>;

const closed = { phase: 'edit', entry: null, error: null, submitted: null } as const;

export function createActionsStore(): ActionsStore {
  return createStore<ActionsState>(() => ({ intent: null, ...closed }));
}

export function openChange(store: ActionsStore, intent: ChangeIntent): void {
  if (store.getState().phase === 'submitting') return;
  store.setState({ intent, ...closed });
}

export function closeChange(store: ActionsStore): void {
  // a call in flight keeps running; its outcome still lands in the audit view and as an alert
  store.setState({ intent: null, ...closed });
}

/** The conflicting pending changes a failed entry was refused over, or null when it was not. */
export function refusedOverConflicts(entry: AuditEntry | null): string[] | null {
  return entry?.outcome === 'failed' ? (entry.conflicts ?? null) : null;
}

/** The time box in ms for a choice, or an error text; `null` ms = no time box. */
export function timeboxFrom(
  choice: TimeboxChoice,
  customMinutes: string,
): { ms: number | null; error: string | null } {
  if (choice === 'none') return { ms: null, error: null };
  if (choice !== 'custom') return { ms: TIMEBOX_MS[choice], error: null };
  const trimmed = customMinutes.trim();
  if (!/^\d+$/.test(trimmed)) return { ms: null, error: 'minutes: a whole number' };
  const minutes = Number(trimmed);
  if (minutes < 1 || minutes > MAX_CUSTOM_MINUTES) {
    return { ms: null, error: `minutes: 1 to ${MAX_CUSTOM_MINUTES.toLocaleString('en-US')} (one week)` };
  }
  return { ms: minutes * 60_000, error: null };
}

export function reasonOk(reason: string): boolean {
  return reason.trim().length >= MIN_REASON;
}

export async function submitChange(
  store: ActionsStore,
  client: SwitchboardClient,
  reason: string,
  timeboxMs: number | null,
  /** production profiles: the tenant (or flag) named by the button the person pressed ("Stop Acme in production") */
  confirmName?: string,
): Promise<void> {
  if (!reasonOk(reason)) return;
  await send(store, client, { reason: reason.trim(), timeboxMs, confirm: confirmName ?? null }, false);
}

/**
 * The change the provider refused over conflicting pending changes, again — same reason, time box and
 * production confirmation — overriding them (`ignoreConflicts`). A new audit entry records it.
 */
export async function applyAnyway(store: ActionsStore, client: SwitchboardClient): Promise<void> {
  const { submitted, entry } = store.getState();
  if (!submitted || refusedOverConflicts(entry) === null) return;
  await send(store, client, submitted, true);
}

async function send(
  store: ActionsStore,
  client: SwitchboardClient,
  submission: Submission,
  ignoreConflicts: boolean,
): Promise<void> {
  const { intent, phase } = store.getState();
  if (!intent || phase === 'submitting') return;
  // the previous attempt's entry goes: a call that throws must show its own error, not the last one's
  store.setState({ phase: 'submitting', entry: null, error: null, submitted: submission });
  const { reason, timeboxMs, confirm } = submission;
  const box = {
    ...(timeboxMs === null ? {} : { timeboxMs }),
    ...(confirm ? { confirm } : {}),
    ...(ignoreConflicts ? { ignoreConflicts } : {}),
  };
  try {
    const entry = await callFor(client, intent, reason, box);
    if (store.getState().intent !== intent) return;
    store.setState({
      phase: entry.outcome === 'failed' ? 'failed' : 'done',
      entry,
      error: entry.outcome === 'failed' ? (entry.error ?? 'the provider reported a failure') : null,
    });
  } catch (error) {
    if (store.getState().intent !== intent) return;
    store.setState({ phase: 'failed', error: errorText(error) });
  }
}

function callFor(
  client: SwitchboardClient,
  intent: ChangeIntent,
  reason: string,
  box: { timeboxMs?: number; confirm?: string; ignoreConflicts?: boolean },
): Promise<AuditEntry> {
  switch (intent.kind) {
    case 'flip':
      return client.call('actions.flip', {
        tenantId: intent.tenantId,
        publish: intent.publish,
        reason,
        ...box,
      });
    case 'flag':
      return client.call('actions.setFlag', {
        tenantId: intent.tenantId,
        flagKey: intent.flagKey,
        value: intent.value,
        reason,
        ...box,
      });
    case 'flag-enabled':
      return client.call('actions.setFlagEnabled', {
        flagKey: intent.flag.key,
        enabled: intent.enabled,
        reason,
        ...box,
      });
  }
}

/** Ask the provider's reviewers to approve a refused change; resolves with an error text, or null. */
export async function requestApproval(client: SwitchboardClient, auditId: string): Promise<string | null> {
  try {
    await client.call('actions.requestApproval', { auditId });
    return null;
  } catch (error) {
    return errorText(error);
  }
}
