import type { Timers } from '../clock';

interface Pending {
  at: number;
  callback: () => void;
}

/** A clock and timers that move only when a test says so. */
export class FakeClock implements Timers {
  private time: number;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(start = Date.parse('2025-01-15T10:00:00.000Z')) {
    this.time = start;
  }

  readonly now = (): number => this.time;

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.pending.set(id, { at: this.time + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Move time forward, running every timer that falls due, in order, at its own time. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (let due = this.nextDue(target); due; due = this.nextDue(target)) {
      this.pending.delete(due[0]);
      this.time = due[1].at;
      due[1].callback();
    }
    this.time = target;
  }

  timerCount(): number {
    return this.pending.size;
  }

  private nextDue(until: number): [number, Pending] | undefined {
    let next: [number, Pending] | undefined;
    for (const entry of this.pending) {
      if (entry[1].at <= until && (!next || entry[1].at < next[1].at)) next = entry;
    }
    return next;
  }
}
