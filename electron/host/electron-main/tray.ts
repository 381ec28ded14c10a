import type { Menu, NativeImage, Tray } from 'electron';
import type { ConsoleCore } from '../../core/console-core.types';

/**
 * The tray says how many tenants are spiking, so the console can sit minimised and still be watched.
 * It follows `traffic.onTick` but touches the OS only when the count changes: ticks arrive every
 * second and a status-bar update per tick is wasted work (and D-Bus traffic on Linux).
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

export function spikingText(count: number): { tooltip: string; title: string } {
  if (count === 0) return { tooltip: 'Switchboard — no tenant spiking', title: '' };
  const tenants = count === 1 ? '1 tenant' : `${count} tenants`;
  return { tooltip: `Switchboard — ${tenants} spiking`, title: String(count) };
}

export interface SpikeTray {
  spiking(): number;
  dispose(): void;
}

export function createSpikeTray(options: SpikeTrayOptions): SpikeTray {
  const { tray } = options;
  let shown = -1;
  const show = (count: number) => {
    if (count === shown) return;
    shown = count;
    const text = spikingText(count);
    tray.setToolTip(text.tooltip);
    tray.setTitle(text.title);
    tray.setImage(count > 0 ? options.images.alert : options.images.normal);
  };
  tray.setContextMenu(options.contextMenu);
  tray.on('click', () => options.onActivate());
  show(options.initialSpiking);
  const unsubscribe = options.subscribe((event, payload) => {
    if (event === 'traffic.onTick') show((payload as { spiking: number }).spiking);
  });
  return {
    spiking: () => shown,
    dispose() {
      unsubscribe();
      tray.destroy();
    },
  };
}
