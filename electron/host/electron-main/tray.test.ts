import type { Menu, NativeImage } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import type { TrafficTick } from '../../core/api';
import { brokerHealth } from '../../core/traffic/broker-health/testing';
import { createFakeCore } from '../testing/fake-core';
import { createSpikeTray, spikingText, type TrayLike } from './tray';

const normal = { name: 'normal' } as unknown as NativeImage;
const alert = { name: 'alert' } as unknown as NativeImage;
const menu = { name: 'menu' } as unknown as Menu;

function fakeTray() {
  const tray = {
    tooltip: '',
    title: '',
    image: null as unknown,
    menu: null as unknown,
    updates: 0,
    destroyed: false,
    click: null as (() => void) | null,
    setToolTip: (text: string) => {
      tray.tooltip = text;
      tray.updates += 1;
    },
    setTitle: (text: string) => {
      tray.title = text;
    },
    setImage: (image: unknown) => {
      tray.image = image;
    },
    setContextMenu: (m: unknown) => {
      tray.menu = m;
    },
    on: (_event: string, listener: () => void) => {
      tray.click = listener;
      return tray;
    },
    destroy: () => {
      tray.destroyed = true;
    },
  };
  return tray;
}

const tick = (spiking: number) =>
  ({ seq: 1, t: 0, intervalMs: 1000, total: 0, spiking, top: [] }) as unknown as TrafficTick;

/** A tray on a fake core, nothing spiking yet. */
function startedTray() {
  const core = createFakeCore();
  const tray = fakeTray();
  createSpikeTray({
    tray: tray as unknown as TrayLike,
    images: { normal, alert },
    contextMenu: menu,
    subscribe: core.subscribe,
    initialSpiking: 0,
    onActivate: () => {},
  });
  return { core, tray };
}

describe('spike tray', () => {
  it('words the count', () => {
    expect(spikingText(0)).toEqual({ tooltip: 'Switchboard — no tenant spiking', title: '' });
    expect(spikingText(1)).toEqual({ tooltip: 'Switchboard — 1 tenant spiking', title: '1' });
    expect(spikingText(3).tooltip).toBe('Switchboard — 3 tenants spiking');
  });

  it('follows the spiking count of each tick, touching the tray only on change', () => {
    const core = createFakeCore();
    const tray = fakeTray();
    const onActivate = vi.fn();
    const spikeTray = createSpikeTray({
      tray: tray as unknown as TrayLike,
      images: { normal, alert },
      contextMenu: menu,
      subscribe: core.subscribe,
      initialSpiking: 0,
      onActivate,
    });
    expect(tray.tooltip).toBe('Switchboard — no tenant spiking');
    expect(tray.image).toBe(normal);
    expect(tray.menu).toBe(menu);

    core.emit('traffic.onTick', tick(2));
    expect(tray.tooltip).toBe('Switchboard — 2 tenants spiking');
    expect(tray.title).toBe('2');
    expect(tray.image).toBe(alert);
    const updates = tray.updates;
    core.emit('traffic.onTick', tick(2));
    core.emit('traffic.onPaused', { paused: true });
    expect(tray.updates).toBe(updates);

    core.emit('traffic.onTick', tick(0));
    expect(tray.image).toBe(normal);
    expect(spikeTray.spiking()).toBe(0);

    tray.click!();
    expect(onActivate).toHaveBeenCalledOnce();

    spikeTray.dispose();
    expect(tray.destroyed).toBe(true);
    expect(core.listenerCount()).toBe(0);
  });

  it('says so while a broker blocks every publisher, and no longer once it lets go', () => {
    const { core, tray } = startedTray();
    core.emit('broker.onHealth', [brokerHealth({ t: 1, alarm: true })]);
    expect(tray.tooltip).toBe('Switchboard — broker alarm, publishers blocked; no tenant spiking');
    expect(tray.title).toBe('!');
    expect(tray.image).toBe(alert);
    const updates = tray.updates;
    core.emit('broker.onHealth', [brokerHealth({ t: 2, alarm: true })]);
    expect(tray.updates).toBe(updates);
    core.emit('traffic.onTick', tick(1));
    expect(tray.tooltip).toBe('Switchboard — broker alarm, publishers blocked; 1 tenant spiking');
    expect(tray.title).toBe('1');
    core.emit('broker.onHealth', [brokerHealth({ t: 3 })]);
    core.emit('traffic.onTick', tick(0));
    expect(tray.tooltip).toBe('Switchboard — no tenant spiking');
    expect(tray.image).toBe(normal);
  });

  it('says so while all traffic is down at once, with the broker alarm that caused it', () => {
    const { core, tray } = startedTray();
    core.emit('traffic.onTick', { ...tick(0), fleetDrop: { since: 1 } });
    expect(tray.tooltip).toBe('Switchboard — all traffic down; no tenant spiking');
    expect(tray.title).toBe('!');
    expect(tray.image).toBe(alert);
    core.emit('broker.onHealth', [brokerHealth({ t: 1, alarm: true })]);
    expect(tray.tooltip).toBe(
      'Switchboard — broker alarm, publishers blocked; all traffic down; no tenant spiking',
    );
    core.emit('broker.onHealth', [brokerHealth({ t: 2 })]);
    core.emit('traffic.onTick', tick(0));
    expect(tray.tooltip).toBe('Switchboard — no tenant spiking');
    expect(tray.title).toBe('');
    expect(tray.image).toBe(normal);
  });
});
