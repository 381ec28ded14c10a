/**
 * The running time boxes of the active flag store: which switches come back by themselves, and
 * when. Loaded on every connect and profile switch, then replaced by each `actions.onTimeBoxes`.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { FlagValue, SwitchboardClient, TimeBoxInfo } from '../../../electron/core/api';
import { formatFlagValue, formatRelative } from '../../app/format';

export interface TimeBoxesState {
  /** by switch (flag key and tenant, or the flag for everyone) */
  bySwitch: ReadonlyMap<string, TimeBoxInfo>;
}
export type TimeBoxesStore = StoreApi<TimeBoxesState>;

export function createTimeBoxesStore(): TimeBoxesStore {
  return createStore<TimeBoxesState>(() => ({ bySwitch: new Map() }));
}

const switchKey = (flagKey: string, tenantId: string | null) => `${flagKey}\u0000${tenantId ?? ''}`;

export function setTimeBoxes(store: TimeBoxesStore, boxes: readonly TimeBoxInfo[]): void {
  store.setState({ bySwitch: new Map(boxes.map((b) => [switchKey(b.flagKey, b.tenantId), b])) });
}

/** The switch's running time box; `tenantId` null for the flag for everyone. */
export function timeBoxOf(
  state: TimeBoxesState,
  flagKey: string,
  tenantId: string | null,
): TimeBoxInfo | null {
  return state.bySwitch.get(switchKey(flagKey, tenantId)) ?? null;
}

export function connectTimeBoxes(store: TimeBoxesStore, client: SwitchboardClient): () => void {
  return client.on('actions.onTimeBoxes', (boxes) => setTimeBoxes(store, boxes));
}

/** Load (or reload after a reconnect or a profile switch); kept as it was when the call fails. */
export async function loadTimeBoxes(store: TimeBoxesStore, client: SwitchboardClient): Promise<void> {
  try {
    setTimeBoxes(store, await client.call('actions.timeBoxes', {}));
  } catch {
    // the next event brings the list; the audit view keeps every time box meanwhile
  }
}

/** "on in 14 min", "back to csv in 2 h"; "on for everyone in 1 h" for a flag's on/off. */
export function timeBoxText(box: TimeBoxInfo, now: number): string {
  const what = box.tenantId === null ? `${onOff(box.revertTo)} for everyone` : onOff(box.revertTo);
  return `${what} ${formatRelative(Date.parse(box.revertAt), now)}`;
}

const onOff = (v: FlagValue) => (v === true ? 'on' : v === false ? 'off' : `back to ${formatFlagValue(v)}`);
