import { beforeAll, describe, expect, it, vi } from 'vitest';
import { callNames, eventNames } from '../../core/api';

/** A fake ipcRenderer: invoke answers from `replies`, `emit` plays main sending an event. */
const fake = vi.hoisted(() => {
  type Listener = (event: unknown, ...args: unknown[]) => void;
  const listeners = new Map<string, Set<Listener>>();
  const state = {
    exposed: [] as [string, unknown][],
    invoked: [] as unknown[][],
    reply: { ok: true, result: null } as unknown,
    ipcRenderer: {
      invoke: async (...args: unknown[]) => {
        state.invoked.push(args);
        return state.reply;
      },
      on(channel: string, listener: Listener) {
        if (!listeners.has(channel)) listeners.set(channel, new Set());
        listeners.get(channel)!.add(listener);
        return this;
      },
      removeListener(channel: string, listener: Listener) {
        listeners.get(channel)?.delete(listener);
        return this;
      },
      send: () => {
        throw new Error('preload must not use send');
      },
    },
    emit(channel: string, ...args: unknown[]) {
      for (const listener of listeners.get(channel) ?? []) listener({ sender: 'the ipcRenderer' }, ...args);
    },
    count: (channel: string) => listeners.get(channel)?.size ?? 0,
  };
  return state;
});

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => fake.exposed.push([key, api]) },
  ipcRenderer: fake.ipcRenderer,
}));

// biome-ignore lint/suspicious/noExplicitAny: the bridge is walked generically here
let api: any;

beforeAll(async () => {
  await import('./preload');
  api = fake.exposed[0]?.[1];
});

function leaves(value: Record<string, Record<string, unknown>>): string[] {
  return Object.entries(value).flatMap(([feature, members]) =>
    Object.keys(members).map((m) => `${feature}.${m}`),
  );
}

describe('preload bridge', () => {
  it('exposes one object, window.switchboard, once', () => {
    expect(fake.exposed).toHaveLength(1);
    expect(fake.exposed[0]![0]).toBe('switchboard');
  });

  it('exposes exactly the contract: every call and event, nothing else', () => {
    expect(leaves(api).sort()).toEqual([...callNames, ...eventNames].sort());
    for (const members of Object.values(api) as Record<string, unknown>[]) {
      for (const member of Object.values(members)) expect(typeof member).toBe('function');
    }
    // So no generic invoke/send, no ipcRenderer, no process.env at any level.
    const features = new Set([...callNames, ...eventNames].map((name) => name.split('.')[0]));
    expect(Object.keys(api).sort()).toEqual([...features].sort());
  });

  it('invokes the call on its wire channel and resolves with the result', async () => {
    fake.reply = { ok: true, result: { paused: true } };
    await expect(api.traffic.setPaused({ paused: true })).resolves.toEqual({ paused: true });
    expect(fake.invoked.at(-1)).toEqual(['sb:traffic.setPaused', { paused: true }]);
  });

  it('rejects with the ApiErrorData of a refused call', async () => {
    const error = {
      code: 'INVALID_INPUT',
      message: 'invalid input for actions.flip',
      issues: ['reason: too short'],
    };
    fake.reply = { ok: false, error };
    await expect(api.actions.flip({ tenantId: 'acme', publish: false, reason: 'x' })).rejects.toEqual(error);
  });

  it('passes only the payload to listeners, and unsubscribes', () => {
    const listener = vi.fn();
    const unsubscribe = api.traffic.onTick(listener);
    expect(fake.count('sb:traffic.onTick')).toBe(1);
    fake.emit('sb:traffic.onTick', { seq: 1 });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0]).toEqual([{ seq: 1 }]);
    unsubscribe();
    unsubscribe();
    expect(fake.count('sb:traffic.onTick')).toBe(0);
    fake.emit('sb:traffic.onTick', { seq: 2 });
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('keeps separate subscriptions separate', () => {
    const a = vi.fn();
    const b = vi.fn();
    const offA = api.alerts.onAlert(a);
    const offB = api.alerts.onAlert(b);
    offA();
    fake.emit('sb:alerts.onAlert', { id: 'x' });
    expect(a).not.toHaveBeenCalled();
    expect(b).toHaveBeenCalledWith({ id: 'x' });
    offB();
  });

  it('refuses a listener that is not a function', () => {
    expect(() => api.traffic.onTick('nope')).toThrow(TypeError);
  });
});
