/**
 * Per-tenant history: rate and baseline for every sample of the last `capacity` ticks (900 = 15 min
 * at 1 s), plus the shared timestamps and the total. Fixed memory, written in place, never shifted.
 *
 * Layout: tenants are grouped in blocks of BLOCK_TENANTS; each block is one Float32Array per figure,
 * time-major (slot × BLOCK_TENANTS + column). One tick writes each block's row contiguously, so an
 * ingest over 10,000 tenants streams through memory instead of touching 10,000 scattered arrays;
 * adding tenants adds a block and copies nothing. Reading one tenant's history is a strided walk of
 * at most `capacity` floats, which only the detail view, the sparklines and the overview do.
 *
 * Memory: 2 figures × 4 bytes × capacity per tenant slot = 7,200 bytes at 900 samples, allocated per
 * block of 256 tenants (1.84 MB). 10,000 tenants → 40 blocks → 73.7 MB (73,728,000 bytes), plus
 * 16 bytes × capacity for timestamps and totals (14.4 KB). Float32 keeps ~7 significant digits,
 * ample for a rate.
 */
export const BLOCK_TENANTS = 256;

export interface SeriesWindow {
  t: number[];
  rate: number[];
  baseline: number[];
}

export class TenantSeries {
  private readonly times: Float64Array;
  private readonly totals: Float64Array;
  private readonly rateBlocks: Float32Array[] = [];
  private readonly baselineBlocks: Float32Array[] = [];
  /** slot of the newest sample, -1 before the first */
  private head = -1;
  private count = 0;

  constructor(readonly capacity = 900) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be ≥ 1: ${capacity}`);
    this.times = new Float64Array(capacity);
    this.totals = new Float64Array(capacity);
  }

  /** Samples held (at most `capacity`). */
  get length(): number {
    return this.count;
  }

  /** Tenant slots allocated (a multiple of BLOCK_TENANTS). */
  get tenantCapacity(): number {
    return this.rateBlocks.length * BLOCK_TENANTS;
  }

  /** Bytes held by the buffers. */
  get bytes(): number {
    const blockBytes = this.capacity * BLOCK_TENANTS * Float32Array.BYTES_PER_ELEMENT * 2;
    return this.rateBlocks.length * blockBytes + this.capacity * Float64Array.BYTES_PER_ELEMENT * 2;
  }

  ensureTenants(tenants: number): void {
    while (this.tenantCapacity < tenants) {
      // A new tenant's past is zeros: it sent nothing we saw.
      this.rateBlocks.push(new Float32Array(this.capacity * BLOCK_TENANTS));
      this.baselineBlocks.push(new Float32Array(this.capacity * BLOCK_TENANTS));
    }
  }

  /** Open the slot for a new sample (overwriting the oldest once full); returns the slot. */
  advance(t: number, total: number): number {
    this.head = (this.head + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
    this.times[this.head] = t;
    this.totals[this.head] = total;
    return this.head;
  }

  /** Record tenant i's figures in `slot`. The caller writes every tenant every tick. */
  write(slot: number, i: number, rate: number, baseline: number): void {
    const block = (i / BLOCK_TENANTS) | 0;
    const at = slot * BLOCK_TENANTS + (i - block * BLOCK_TENANTS);
    this.rateBlocks[block]![at] = rate;
    this.baselineBlocks[block]![at] = baseline;
  }

  /** Timestamps of the newest `n` samples (all by default), oldest first. */
  timestamps(n = this.count): number[] {
    return this.readShared(this.times, n);
  }

  totalsWindow(n = this.count): number[] {
    return this.readShared(this.totals, n);
  }

  /** Rates of tenant i over the newest `n` samples, oldest first. */
  rates(i: number, n = this.count): number[] {
    return this.readTenant(this.rateBlocks, i, n);
  }

  baselines(i: number, n = this.count): number[] {
    return this.readTenant(this.baselineBlocks, i, n);
  }

  window(i: number): SeriesWindow {
    return { t: this.timestamps(), rate: this.rates(i), baseline: this.baselines(i) };
  }

  /** Time of the oldest sample held, or -Infinity when empty. */
  oldestT(): number {
    if (this.count === 0) return Number.NEGATIVE_INFINITY;
    return this.times[this.slotOf(this.count - 1)]!;
  }

  /** Time of the newest sample, or -Infinity when empty. */
  newestT(): number {
    return this.count === 0 ? Number.NEGATIVE_INFINITY : this.times[this.head]!;
  }

  /** Slot of the sample `back` ticks before the newest (0 = newest). */
  private slotOf(back: number): number {
    return (this.head - back + this.capacity) % this.capacity;
  }

  private readShared(source: Float64Array, n: number): number[] {
    const take = Math.min(Math.max(n, 0), this.count);
    const out = new Array<number>(take);
    for (let k = 0; k < take; k++) out[k] = source[this.slotOf(take - 1 - k)]!;
    return out;
  }

  private readTenant(blocks: Float32Array[], i: number, n: number): number[] {
    const block = (i / BLOCK_TENANTS) | 0;
    const data = blocks[block];
    const take = data === undefined ? 0 : Math.min(Math.max(n, 0), this.count);
    const out = new Array<number>(take);
    const column = i - block * BLOCK_TENANTS;
    for (let k = 0; k < take; k++) out[k] = tidy(data![this.slotOf(take - 1 - k) * BLOCK_TENANTS + column]!);
    return out;
  }
}

/** Float32 → a number that prints short (12.300000190734863 → 12.3): the values go out as JSON. */
function tidy(value: number): number {
  return Math.round(value * 1000) / 1000;
}
