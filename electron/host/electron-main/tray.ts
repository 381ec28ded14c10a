import type { Menu, NativeImage, Tray } from 'electron';
import type { BrokerHealth, TrafficTick } from '../../core/api';
import type { ConsoleCore } from '../../core/console-core.types';

/**
 * The tray says how many tenants are spiking, whether a broker is blocking every publisher (a
 * memory or disk alarm) and whether all traffic is down at once (traffic/fleet-drop.ts), so the
 * console can sit minimised and still be watched. It follows
 * `traffic.onTick` and `broker.onHealth` but touches the OS only when what it says changes: both
 * arrive every second and a status-bar update per tick is wasted work (and D-Bus traffic on Linux).
 */

export type TrayLike = Pick<
  Tray,
  'setToolTip' | 'setTitle' | 'setImage' | 'setContextMenu' | 'on' | 'destroy'
>;

export interface SpikeTrayOptions {
  tray: TrayLike;
  images: { normal: NativeImage; alert: NativeImage };
  contextMenu: Menu;
  subscribe: ConsoleCore['subscribe'];
  initialSpiking: number;
  /** a click on the icon shows the window */
  onActivate: () => void;
}

/** What is wrong for every tenant at once, beside the spiking count. */
export interface FleetConditions {
  brokerAlarm?: boolean;
  fleetDrop?: boolean;
}

export function spikingText(
  count: number,
  { brokerAlarm = false, fleetDrop = false }: FleetConditions = {},
): { tooltip: string; title: string } {
  const alarm =
    (brokerAlarm ? 'broker alarm, publishers blocked; ' : '') + (fleetDrop ? 'all traffic down; ' : '');
  if (count === 0) {
    return { tooltip: `Switchboard — ${alarm}no tenant spiking`, title: alarm ? '!' : '' };
  }
  const tenants = count === 1 ? '1 tenant' : `${count} tenants`;
  return { tooltip: `Switchboard — ${alarm}${tenants} spiking`, title: String(count) };
}

export interface SpikeTray {
  spiking(): number;
  dispose(): void;
}

export function createSpikeTray(options: SpikeTrayOptions): SpikeTray {
  const { tray } = options;
  let shown = -1;
  let conditionsShown = '';
  let spiking = options.initialSpiking;
  let alarm = false;
  let drop = false;
  const show = () => {
    const conditions = `${alarm}/${drop}`;
    if (spiking === shown && conditions === conditionsShown) return;
    shown = spiking;
    conditionsShown = conditions;
    const text = spikingText(spiking, { brokerAlarm: alarm, fleetDrop: drop });
    tray.setToolTip(text.tooltip);
    tray.setTitle(text.title);
    tray.setImage(spiking > 0 || alarm || drop ? options.images.alert : options.images.normal);
  };
  tray.setContextMenu(options.contextMenu);
  tray.on('click', () => options.onActivate());
  show();
  const unsubscribe = options.subscribe((event, payload) => {
    if (event === 'traffic.onTick') {
      spiking = (payload as TrafficTick).spiking;
      drop = (payload as TrafficTick).fleetDrop !== undefined;
    } else if (event === 'broker.onHealth')
      alarm = (payload as BrokerHealth[]).some((b) => b.memory.alarm || b.diskAlarm);
    else return;
    show();
  });
  return {
    spiking: () => shown,
    dispose() {
      unsubscribe();
      tray.destroy();
    },
  };
}
