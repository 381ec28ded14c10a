import type { TenantInfo } from '../api';

/**
 * Tenant id ↔ dense index, and what the tenants file says about each. Indexes are never reused or
 * reordered, so the per-tenant arrays and ring buffers stay aligned and rows keep their order
 * (spiking tenants are marked in place, not re-sorted under the operator's cursor).
 */
export class TenantRegistry {
  readonly ids: string[] = [];
  readonly names: string[] = [];
  readonly plans: (string | null)[] = [];
  readonly limits: (number | null)[] = [];
  readonly known: boolean[] = [];
  private readonly index = new Map<string, number>();

  /** Tenants beyond `maxTenants` seen only in traffic are not tracked (see addUnseen). */
  constructor(readonly maxTenants: number) {}

  get size(): number {
    return this.ids.length;
  }

  indexOf(id: string): number | undefined {
    return this.index.get(id);
  }

  /**
   * Apply the tenants file. Tenants no longer listed stay (their history is kept) but become
   * unknown, as if first seen in traffic. Listed tenants that are not in the file (known: false)
   * are added only while fewer than `maxTenants` exist, as in addUnseen. Returns the registry size.
   */
  setTenants(infos: readonly TenantInfo[]): number {
    const listed = new Set<string>();
    for (const info of infos) {
      listed.add(info.id);
      let i = this.index.get(info.id);
      if (i === undefined) {
        if (!info.known && this.ids.length >= this.maxTenants) continue;
        i = this.add(info.id);
      }
      this.names[i] = info.name;
      this.plans[i] = info.plan;
      this.limits[i] = info.limit;
      this.known[i] = info.known;
    }
    for (let i = 0; i < this.ids.length; i++) {
      if (!listed.has(this.ids[i]!)) this.forget(i);
    }
    return this.ids.length;
  }

  /**
   * Register a tenant seen in traffic but not in the tenants file. Returns its index, or -1 when
   * the registry is full: memory stays bounded whatever a source sends.
   */
  addUnseen(id: string): number {
    if (this.ids.length >= this.maxTenants) return -1;
    const i = this.add(id);
    this.forget(i);
    return i;
  }

  info(i: number): TenantInfo {
    return {
      id: this.ids[i]!,
      name: this.names[i]!,
      plan: this.plans[i]!,
      limit: this.limits[i]!,
      known: this.known[i]!,
    };
  }

  private add(id: string): number {
    const i = this.ids.length;
    this.ids.push(id);
    this.names.push(id);
    this.plans.push(null);
    this.limits.push(null);
    this.known.push(false);
    this.index.set(id, i);
    return i;
  }

  private forget(i: number): void {
    this.names[i] = this.ids[i]!;
    this.plans[i] = null;
    this.limits[i] = null;
    this.known[i] = false;
  }
}
