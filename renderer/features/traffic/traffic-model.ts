/**
 * The live per-tenant table kept in typed arrays, so that a tick with 10,000 tenants costs one O(n)
 * pass and no per-tenant objects survive it.
 *
 * Every tenant gets a slot the first time it is seen and keeps it (slots only grow), so other
 * structures (the row order, the selection) can hold slot numbers across ticks. The sparkline history
 * is one ring buffer of SPARK_POINTS columns shared by every slot: each tick writes one column (NaN
 * for a tenant missing from that tick), so the write head is the same for all tenants.
 *
 * The model is mutated in place; the store bumps a sequence number after each change, and components
 * re-render from that number (see traffic-store.ts).
 */
import type {
  TenantColumns,
  TenantStatus,
  TenantStatusOrder,
  TrafficSnapshot,
  TrafficTick,
} from '../../../electron/core/api';

export const SPARK_POINTS = 60;

/** The tick's status codes (TenantColumns.status): the contract's type holds this list to its order. */
export const STATUS_CODES: TenantStatusOrder = ['normal', 'elevated', 'spike', 'over-limit', 'off', 'silent'];
/**
 * How alarming a status is, for sorting by status (descending puts spikes first): spike, over limit,
 * silent, elevated, off, normal.
 */
export const STATUS_SEVERITY: readonly number[] = [0, 2, 5, 4, 1, 3];
export const STATUS_LABEL: Record<TenantStatus, string> = {
  normal: 'normal',
  elevated: 'elevated',
  spike: 'spike',
  'over-limit': 'over limit',
  off: 'off',
  silent: 'silent',
};

export class TrafficModel {
  /** slot → id / name / lower-cased "name id" for filtering */
  ids: string[] = [];
  names: string[] = [];
  searchText: string[] = [];
  why: string[] = [];
  readonly index = new Map<string, number>();
  /** bumped whenever a slot is added or renamed (the name order is cached against it) */
  namesVersion = 0;
  size = 0;
  capacity = 0;
  rate = new Float64Array(0);
  baseline = new Float64Array(0);
  ratio = new Float64Array(0);
  share = new Float64Array(0);
  /** NaN when the tenant has no limit */
  limit = new Float64Array(0);
  /** NaN when the tenant has no limit */
  limitUse = new Float64Array(0);
  status = new Uint8Array(0);
  /** 1 = may publish (kill switch on), 0 = switched off */
  publishing = new Uint8Array(0);
  known = new Uint8Array(0);
  /** 1 = present in the latest tick */
  present = new Uint8Array(0);
  /** capacity × SPARK_POINTS, row-major per slot */
  spark = new Float32Array(0);
  /** column written by the latest tick */
  sparkHead = SPARK_POINTS - 1;
  /** latest tick seq applied, -1 before the snapshot */
  seq = -1;
  t = 0;
  total = 0;
  spiking = 0;
  /** tenants marked silent in the latest tick */
  silent = 0;
  /** epoch ms a fleet-wide drop began (most tenants down at once), null when there is none */
  fleetDropSince: number | null = null;
  /** epoch ms until which spikes are not judged after a fleet-wide drop, null when they are */
  catchingUpUntil: number | null = null;
  intervalMs = 1000;
  top: string[] = [];

  constructor(initialCapacity = 64) {
    this.grow(initialCapacity);
  }

  slotOf(id: string): number {
    return this.index.get(id) ?? -1;
  }

  /** Replace everything with a snapshot (on load and after every reconnect). */
  applySnapshot(snapshot: TrafficSnapshot): void {
    this.index.clear();
    this.ids = [];
    this.names = [];
    this.searchText = [];
    this.why = [];
    this.size = 0;
    this.namesVersion++;
    // the sparks are (almost always) for the same tenants as the tick; a few more grow the arrays
    this.grow(Math.max(64, snapshot.tick.tenants.id.length, Object.keys(snapshot.sparks).length));
    this.spark.fill(Number.NaN);
    this.sparkHead = SPARK_POINTS - 1;
    this.seq = -1;
    this.writeTick(snapshot.tick, false);
    for (const [id, values] of Object.entries(snapshot.sparks)) {
      const slot = this.ensureSlot(id, id, true);
      const base = slot * SPARK_POINTS;
      const n = Math.min(values.length, SPARK_POINTS);
      // oldest first, right-aligned so the newest value sits at the head
      for (let k = 0; k < n; k++) {
        const col = (this.sparkHead - (n - 1 - k) + SPARK_POINTS) % SPARK_POINTS;
        this.spark[base + col] = values[values.length - n + k]!;
      }
    }
  }

  /** Apply one tick. Returns false (and changes nothing) for a tick that is not newer than the model. */
  applyTick(tick: TrafficTick): boolean {
    if (tick.seq <= this.seq) return false;
    this.writeTick(tick, true);
    return true;
  }

  /**
   * While paused: take only the kill switch of tenants whose switch differs from the model, with the
   * status and reason the core gave that change ("off", "publishing switched off"). Rates, sparks
   * and the tick's seq stay as they were. Returns whether any tenant changed.
   */
  applySwitches(tick: TrafficTick): boolean {
    const c = tick.tenants;
    const why = new Map(c.why);
    let changed = false;
    for (let r = 0; r < c.id.length; r++) {
      const slot = this.slotOf(c.id[r]!);
      const publishing = c.publishing[r] === 1 ? 1 : 0;
      if (slot < 0 || this.publishing[slot] === publishing) continue;
      this.publishing[slot] = publishing;
      this.status[slot] = statusCode(c.status[r]);
      this.why[slot] = why.get(r) ?? '';
      changed = true;
    }
    return changed;
  }

  private writeTick(tick: TrafficTick, advanceSpark: boolean): void {
    this.seq = tick.seq;
    this.t = tick.t;
    this.total = tick.total;
    this.spiking = tick.spiking;
    this.silent = tick.silent ?? 0;
    this.fleetDropSince = tick.fleetDrop?.since ?? null;
    this.catchingUpUntil = tick.catchingUp?.until ?? null;
    this.intervalMs = tick.intervalMs;
    this.top = tick.top;
    this.present.fill(0, 0, this.size);
    let head = this.sparkHead;
    if (advanceSpark) {
      head = (head + 1) % SPARK_POINTS;
      this.sparkHead = head;
      const spark = this.spark;
      for (let s = 0, i = head; s < this.size; s++, i += SPARK_POINTS) spark[i] = Number.NaN;
    }
    const c = tick.tenants;
    const slots = this.writeColumns(c, tick.total);
    for (const [r, why] of c.why) {
      const slot = slots[r];
      if (slot !== undefined) this.why[slot] = why;
    }
    if (advanceSpark) {
      for (let r = 0; r < slots.length; r++) this.spark[slots[r]! * SPARK_POINTS + head] = c.rate[r]!;
    }
  }

  /** Write every tenant's figures (its `why` cleared: the sparse list sets the others); returns the slots. */
  private writeColumns(c: TenantColumns, total: number): Int32Array {
    const n = c.id.length;
    const slots = new Int32Array(n);
    for (let r = 0; r < n; r++) {
      const id = c.id[r]!;
      const name = c.name[r]!;
      const slot = this.ensureSlot(id, name, c.known[r] === 1);
      slots[r] = slot;
      if (this.names[slot] !== name) {
        this.names[slot] = name;
        this.namesVersion++;
        this.searchText[slot] = `${name} ${id}`.toLowerCase();
      }
      const rate = c.rate[r]!;
      const limit = c.limit[r] ?? null;
      this.rate[slot] = rate;
      this.baseline[slot] = c.baseline[r]!;
      this.ratio[slot] = c.ratio[r]!;
      this.share[slot] = shareOf(rate, total);
      this.limit[slot] = limit ?? Number.NaN;
      this.limitUse[slot] = limitUseOf(rate, limit) ?? Number.NaN;
      this.status[slot] = statusCode(c.status[r]);
      this.publishing[slot] = c.publishing[r] === 1 ? 1 : 0;
      this.known[slot] = c.known[r] === 1 ? 1 : 0;
      this.why[slot] = '';
      this.present[slot] = 1;
    }
    return slots;
  }

  private ensureSlot(id: string, name: string, known: boolean): number {
    const existing = this.index.get(id);
    if (existing !== undefined) return existing;
    if (this.size === this.capacity) this.grow(this.capacity * 2);
    const slot = this.size++;
    this.namesVersion++;
    this.index.set(id, slot);
    this.ids[slot] = id;
    this.names[slot] = name;
    this.searchText[slot] = `${name} ${id}`.toLowerCase();
    this.why[slot] = '';
    this.known[slot] = known ? 1 : 0;
    this.limit[slot] = Number.NaN;
    this.limitUse[slot] = Number.NaN;
    this.publishing[slot] = 1;
    // a slot reused after a snapshot must not show the figures of the tenant that had it before
    this.rate[slot] = 0;
    this.baseline[slot] = 0;
    this.ratio[slot] = 0;
    this.share[slot] = 0;
    this.status[slot] = 0;
    this.present[slot] = 0;
    this.spark.fill(Number.NaN, slot * SPARK_POINTS, (slot + 1) * SPARK_POINTS);
    return slot;
  }

  private grow(capacity: number): void {
    if (capacity <= this.capacity) return;
    const f64 = (old: Float64Array) => {
      const next = new Float64Array(capacity);
      next.set(old);
      return next;
    };
    const u8 = (old: Uint8Array) => {
      const next = new Uint8Array(capacity);
      next.set(old);
      return next;
    };
    this.rate = f64(this.rate);
    this.baseline = f64(this.baseline);
    this.ratio = f64(this.ratio);
    this.share = f64(this.share);
    this.limit = f64(this.limit);
    this.limitUse = f64(this.limitUse);
    this.status = u8(this.status);
    this.publishing = u8(this.publishing);
    this.known = u8(this.known);
    this.present = u8(this.present);
    const spark = new Float32Array(capacity * SPARK_POINTS);
    spark.set(this.spark);
    spark.fill(Number.NaN, this.spark.length);
    this.spark = spark;
    this.capacity = capacity;
  }

  /**
   * Copy one tenant's spark history, oldest first, into `out` (length ≥ SPARK_POINTS).
   * Missing samples are NaN. Returns the number of finite samples.
   */
  readSpark(slot: number, out: Float32Array): number {
    const base = slot * SPARK_POINTS;
    let finite = 0;
    for (let k = 0; k < SPARK_POINTS; k++) {
      const v = this.spark[base + ((this.sparkHead + 1 + k) % SPARK_POINTS)]!;
      out[k] = v;
      if (!Number.isNaN(v)) finite++;
    }
    return finite;
  }

  statusOf(slot: number): TenantStatus {
    return STATUS_CODES[this.status[slot]!] ?? 'normal';
  }
}

/**
 * Share and limit use as TenantRow defines them (the tick does not carry them). The core has the same
 * two lines (core/traffic/tick-columns.ts): the renderer imports only types from the core.
 */
export function shareOf(rate: number, total: number): number {
  return total > 0 ? rate / total : 0;
}

export function limitUseOf(rate: number, limit: number | null): number | null {
  return limit !== null && limit > 0 ? rate / limit : null;
}

/** A status code from the tick, `normal` for one this build does not know. */
function statusCode(code: number | undefined): number {
  return code !== undefined && code >= 0 && code < STATUS_CODES.length ? code : 0;
}
