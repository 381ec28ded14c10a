import { ApiError, type CallName, type EventName, type EventPayload, parseCall } from '../../core/api';
import type { CallContext, ConsoleCore, CoreEventListener } from '../../core/console-core.types';

/**
 * A small stand-in for the console core, shared by the host tests: it validates like the real one
 * (api.ts parseCall), records calls, answers a few calls with canned data and lets a test push events
 * and count listeners (to catch leaks).
 */
export interface FakeCore extends ConsoleCore {
  readonly calls: { name: string; input: unknown; ctx: CallContext }[];
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  listenerCount(): number;
  spiking: number;
  stopped: boolean;
  /** Replace the answer for one call. */
  answer(name: CallName, fn: (input: unknown) => unknown): void;
}

export function createFakeCore(): FakeCore {
  const listeners = new Set<CoreEventListener>();
  const answers = new Map<string, (input: unknown) => unknown>([
    ['traffic.setPaused', (input) => ({ paused: (input as { paused: boolean }).paused })],
    [
      'settings.get',
      () => ({
        theme: 'system',
        intervalMs: 1000,
        window: null,
        lastView: { view: 'traffic', tenantId: null },
      }),
    ],
    [
      'tenants.detail',
      (input) => {
        throw new ApiError('NOT_FOUND', `no tenant ${(input as { tenantId: string }).tenantId}`);
      },
    ],
    [
      'actions.flip',
      () => {
        throw new ApiError('READ_ONLY', 'profile is read-only');
      },
    ],
    [
      'flags.list',
      () => {
        throw new Error('provider exploded');
      },
    ],
  ]);
  const core: FakeCore = {
    calls: [],
    spiking: 0,
    stopped: false,
    ofrepEndpoint: 'http://127.0.0.1:8016/ofrep/v1',
    async call(name, input, ctx) {
      const parsed = parseCall(name, input);
      core.calls.push({ name: parsed.name, input: parsed.input, ctx });
      const answer = answers.get(parsed.name);
      return answer ? answer(parsed.input) : { ok: parsed.name };
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(event, payload) {
      for (const listener of [...listeners]) listener(event, payload);
    },
    listenerCount: () => listeners.size,
    spikingCount: () => core.spiking,
    async stop() {
      core.stopped = true;
    },
    answer(name, fn) {
      answers.set(name, fn);
    },
  };
  return core;
}
