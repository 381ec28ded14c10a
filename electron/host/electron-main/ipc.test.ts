import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';
import { describe, expect, it } from 'vitest';
import { callNames, eventNames, wireName } from '../../core/api';
import { createFakeCore } from '../testing/fake-core';
import { registerIpc } from './ipc';

// biome-ignore lint/suspicious/noExplicitAny: mirrors ipcMain.handle's own listener type
type Handler = (event: any, ...args: unknown[]) => unknown;

function fakeIpcMain() {
  const handlers = new Map<string, Handler>();
  return {
    handlers,
    handle: (channel: string, handler: Handler) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, handler);
    },
    removeHandler: (channel: string) => void handlers.delete(channel),
  };
}

interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
  frameTreeNodeId: number;
}

function fakeWindow() {
  const mainFrame: FakeFrame = { url: 'app://switchboard/electron.html', parent: null, frameTreeNodeId: 1 };
  const win = {
    destroyed: false,
    sent: [] as [string, unknown][],
    isDestroyed: () => win.destroyed,
    webContents: {
      mainFrame,
      isDestroyed: () => win.destroyed,
      send: (channel: string, payload: unknown) => void win.sent.push([channel, payload]),
    },
  };
  return win;
}

function setup() {
  const ipcMain = fakeIpcMain();
  const core = createFakeCore();
  const win = fakeWindow();
  const logs: string[] = [];
  const dispose = registerIpc({
    ipcMain,
    core,
    actor: 'op',
    getWindow: () => win as unknown as BrowserWindow,
    log: (line) => logs.push(line),
  });
  const invoke = (
    name: string,
    input: unknown,
    event: Partial<IpcMainInvokeEvent> = {},
    ...extra: unknown[]
  ) =>
    Promise.resolve().then(() =>
      ipcMain.handlers.get(wireName(name as never))!(
        { sender: win.webContents, senderFrame: win.webContents.mainFrame, ...event },
        input,
        ...extra,
      ),
    );
  return { ipcMain, core, win, logs, dispose, invoke };
}

describe('IPC registration', () => {
  it('registers one handler per call, on its wire name, and removes them all', () => {
    const { ipcMain, dispose } = setup();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(callNames.map(wireName).sort());
    dispose();
    expect(ipcMain.handlers.size).toBe(0);
  });

  it('passes a valid call from our window to the core, with the actor', async () => {
    const { core, invoke } = setup();
    await expect(invoke('traffic.setPaused', { paused: true })).resolves.toEqual({
      ok: true,
      result: { paused: true },
    });
    expect(core.calls).toEqual([
      { name: 'traffic.setPaused', input: { paused: true }, ctx: { actor: 'op' } },
    ]);
  });

  it('answers invalid input with INVALID_INPUT and never calls the core', async () => {
    const { core, invoke } = setup();
    const reply = await invoke('actions.flip', { tenantId: 'acme', publish: 'no', reason: '' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', issues: expect.any(Array) } });
    expect(await invoke('traffic.setPaused', { paused: true }, {}, 'extra')).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(core.calls).toEqual([]);
  });

  it('returns core errors as data, without stacks', async () => {
    const { invoke } = setup();
    expect(await invoke('tenants.detail', { tenantId: 'ghost' })).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'no tenant ghost' },
    });
    expect(await invoke('flags.list', {})).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'provider exploded' },
    });
  });

  it.each([
    ['no sender frame', (w: ReturnType<typeof fakeWindow>) => ({ senderFrame: null, sender: w.webContents })],
    [
      'a subframe',
      (w: ReturnType<typeof fakeWindow>) => ({
        senderFrame: {
          url: 'app://switchboard/electron.html',
          parent: w.webContents.mainFrame,
          frameTreeNodeId: 2,
        },
      }),
    ],
    [
      'a foreign origin in the main frame',
      (w: ReturnType<typeof fakeWindow>) => ({
        senderFrame: { ...w.webContents.mainFrame, url: 'https://evil.test/' },
      }),
    ],
    [
      'a look-alike origin',
      (w: ReturnType<typeof fakeWindow>) => ({
        senderFrame: { ...w.webContents.mainFrame, url: 'app://switchboard.evil/electron.html' },
      }),
    ],
    ['another webContents', () => ({ sender: { id: 99 } })],
  ])('refuses %s before anything else', async (_label, eventFor) => {
    const { core, win, invoke, logs } = setup();
    const event = eventFor(win) as Partial<IpcMainInvokeEvent>;
    await expect(invoke('traffic.setPaused', { paused: true }, event)).rejects.toThrow(/refused/);
    await expect(invoke('actions.flip', { nonsense: true }, event)).rejects.toThrow(/refused/);
    expect(core.calls).toEqual([]);
    expect(logs[0]).toMatch(/refused/);
  });

  it('refuses calls once the window is gone', async () => {
    const { win, invoke } = setup();
    win.destroyed = true;
    await expect(invoke('app.info', {})).rejects.toThrow(/refused/);
  });

  it('forwards every core event to the window on its wire name, until disposed', () => {
    const { core, win, dispose } = setup();
    expect(core.listenerCount()).toBe(1);
    core.emit('traffic.onPaused', { paused: true });
    core.emit('alerts.onAlert', {
      id: 'a',
      at: 1,
      kind: 'spike',
      severity: 'critical',
      tenantId: 't',
      message: 'm',
    });
    expect(win.sent.map(([channel]) => channel)).toEqual(['sb:traffic.onPaused', 'sb:alerts.onAlert']);
    expect(eventNames.map(wireName)).toContain(win.sent[0]![0]);
    win.destroyed = true;
    core.emit('traffic.onPaused', { paused: false });
    expect(win.sent).toHaveLength(2);
    dispose();
    expect(core.listenerCount()).toBe(0);
  });
});
