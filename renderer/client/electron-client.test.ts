import { describe, expect, it } from 'vitest';
import type { BridgeApi } from '../../electron/core/api';
import { CallError } from './client';
import { createElectronClient, toCallError } from './electron-client';

describe('electron client', () => {
  it('maps "feature.member" to the nested bridge and passes the input', async () => {
    const seen: unknown[] = [];
    const bridge = {
      traffic: {
        setPaused: async (input: unknown) => {
          seen.push(input);
          return { paused: true };
        },
        onTick: (listener: (p: unknown) => void) => {
          listener({ seq: 1 });
          return () => seen.push('unsubscribed');
        },
      },
    } as unknown as BridgeApi;
    const client = createElectronClient(bridge);
    await expect(client.call('traffic.setPaused', { paused: true })).resolves.toEqual({ paused: true });
    expect(seen).toEqual([{ paused: true }]);
    const ticks: unknown[] = [];
    const off = client.on('traffic.onTick', (t) => ticks.push(t));
    off();
    expect(ticks).toEqual([{ seq: 1 }]);
    expect(seen).toContain('unsubscribed');
    expect(client.connection.get().state).toBe('connected');
  });

  it('rejects with a CallError for a member the bridge lacks or an error it throws', async () => {
    const bridge = {
      actions: {
        flip: async () => {
          throw new Error(
            "Error invoking remote method 'sb:actions.flip': Error: READ_ONLY: this profile is read-only",
          );
        },
      },
    } as unknown as BridgeApi;
    const client = createElectronClient(bridge);
    await expect(client.call('app.info', {})).rejects.toMatchObject({ code: 'UNKNOWN_CALL' });
    const e = await client
      .call('actions.flip', { tenantId: 'a', publish: false, reason: 'abc' })
      .catch((x) => x);
    expect(e).toBeInstanceOf(CallError);
    expect(e.code).toBe('READ_ONLY');
    expect(e.message).toBe('this profile is read-only');
  });

  it('keeps code and issues when the preload passes error data through', () => {
    const e = toCallError({ code: 'INVALID_INPUT', message: 'bad', issues: ['reason: short'] });
    expect(e).toMatchObject({ code: 'INVALID_INPUT', message: 'bad', issues: ['reason: short'] });
    expect(toCallError(new Error('weird')).code).toBe('INTERNAL');
  });
});
