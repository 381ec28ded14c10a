/**
 * The health panel's history of one broker: a ring of the last 15 minutes of samples in columns,
 * cheap to append every tick and to hand to the UI as a BrokerHistory.
 */
import type { BrokerHealth, BrokerHistory } from '../../api';

export const BROKER_HISTORY_MS = 15 * 60_000;

export class BrokerHistoryRing {
  private readonly t: Float64Array;
  private readonly memUsed: Float64Array;
  private readonly memLimit: Float64Array;
  private readonly channels: Float64Array;
  private readonly connections: Float64Array;
  private readonly publishRate: Float64Array;
  /** index of the oldest entry and how many there are */
  private head = 0;
  private size = 0;

  /** Keeps `spanMs` of history, at most `capacity` samples (15 min at 250 ms ticks by default). */
  constructor(
    private readonly spanMs = BROKER_HISTORY_MS,
    readonly capacity = 3_600,
  ) {
    this.t = new Float64Array(capacity);
    this.memUsed = new Float64Array(capacity);
    this.memLimit = new Float64Array(capacity);
    this.channels = new Float64Array(capacity);
    this.connections = new Float64Array(capacity);
    this.publishRate = new Float64Array(capacity);
  }

  push(health: BrokerHealth): void {
    if (this.size > 0 && health.t <= this.t[this.index(this.size - 1)]!) {
      // Time went back (a reconnect to another broker, a clock change): start again.
      this.clear();
    }
    if (this.size === this.capacity) {
      this.head = (this.head + 1) % this.capacity;
      this.size--;
    }
    const i = this.index(this.size);
    this.t[i] = health.t;
    this.memUsed[i] = health.memory.used;
    this.memLimit[i] = health.memory.limit;
    this.channels[i] = health.channels;
    this.connections[i] = health.connections;
    this.publishRate[i] = health.publishRate;
    this.size++;
    const from = health.t - this.spanMs;
    while (this.size > 0 && this.t[this.head]! < from) {
      this.head = (this.head + 1) % this.capacity;
      this.size--;
    }
  }

  get length(): number {
    return this.size;
  }

  /** The history oldest first, as plain arrays. */
  snapshot(): BrokerHistory {
    const column = (source: Float64Array) => {
      const out = new Array<number>(this.size);
      for (let k = 0; k < this.size; k++) out[k] = source[this.index(k)]!;
      return out;
    };
    return {
      t: column(this.t),
      memUsed: column(this.memUsed),
      memLimit: column(this.memLimit),
      channels: column(this.channels),
      connections: column(this.connections),
      publishRate: column(this.publishRate),
    };
  }

  clear(): void {
    this.head = 0;
    this.size = 0;
  }

  private index(k: number): number {
    return (this.head + k) % this.capacity;
  }
}
