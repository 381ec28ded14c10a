/**
 * The window's title says what needs someone before anything else: a browser tab or a window in the
 * background still shows "▲ 2 spiking" or "⚠ broker alarm" in the tab strip, the taskbar and
 * Alt+Tab.
 */
import { useEffect } from 'react';
import { useSlice } from './context';

export function documentTitle(state: {
  spiking: number;
  /** tenants that stopped sending with their switches on: after the spikes, the quieter news */
  silent?: number;
  brokerAlarm: boolean;
  fleetDrop: boolean;
  profile: string | null;
}): string {
  const urgent = [
    state.brokerAlarm ? '⚠ broker alarm' : null,
    state.fleetDrop ? '▼ all traffic down' : null,
    state.spiking > 0 ? `▲ ${state.spiking} spiking` : null,
    (state.silent ?? 0) > 0 ? `▽ ${state.silent} silent` : null,
  ].filter(Boolean);
  const name = state.profile ? `Switchboard — ${state.profile}` : 'Switchboard';
  return urgent.length > 0 ? `${urgent.join(' · ')} · ${name}` : name;
}

export function useDocumentTitle(): void {
  const spiking = useSlice(
    (s) => s.traffic,
    (s) => (s.loaded ? s.model.spiking : 0),
  );
  const silent = useSlice(
    (s) => s.traffic,
    (s) => (s.loaded ? s.model.silent : 0),
  );
  const fleetDrop = useSlice(
    (s) => s.traffic,
    (s) => s.loaded && s.model.fleetDropSince !== null,
  );
  const brokerAlarm = useSlice(
    (s) => s.broker,
    (s) => s.current.some((b) => b.memory.alarm || b.diskAlarm),
  );
  const profile = useSlice(
    (s) => s.sources,
    (s) => s.info?.profile.name ?? null,
  );
  useEffect(() => {
    document.title = documentTitle({ spiking, silent, brokerAlarm, fleetDrop, profile });
  }, [spiking, silent, brokerAlarm, fleetDrop, profile]);
}
