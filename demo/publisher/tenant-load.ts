/**
 * Who publishes how much: a list of tenants with a steady rate each, and the scripted spike.
 * The ids are the console's simulated tenants (acme, globex, initech, ...), so a demo against the
 * console shows the same rows the simulated workload would.
 */
import { SeededRandom } from '../../electron/core/metrics/simulated/seeded-random';
import { simulatedTenants } from '../../electron/core/metrics/simulated/simulated-tenants';

export interface TenantLoad {
  id: string;
  /** steady events/s */
  rate: number;
}

export interface SpikeOptions {
  /** default acme (else the first tenant) */
  tenantId?: string;
  /** ms after the publisher starts */
  afterMs: number;
  /** times its steady rate, default 15 */
  factor?: number;
  /** default: until the tenant is switched off */
  durationMs?: number;
}

/** The console's simulated tenant ids, in its order (names do not depend on the seed). */
export function consoleTenantIds(count: number): string[] {
  return simulatedTenants(count, new SeededRandom(1)).map((tenant) => tenant.id);
}

/** Rates of the light tenants, cycled: small and different, so the table is not uniform. */
const LIGHT_RATES = [2, 5, 1, 8, 3, 1, 4, 2, 6, 1];

/**
 * A few heavy tenants and many light ones: acme 200/s, globex 100/s, initech 50/s, then 1–8/s each.
 * `scale` multiplies every rate (a bigger or smaller machine).
 */
export function defaultTenantLoads(count = 30, scale = 1): TenantLoad[] {
  const heavy = [200, 100, 50];
  return consoleTenantIds(count).map((id, i) => ({
    id,
    rate: (heavy[i] ?? LIGHT_RATES[(i - heavy.length) % LIGHT_RATES.length]!) * scale,
  }));
}

/**
 * "acme=200,globex=50,initech" (a bare id gets `defaultRate`) → loads. Ids as the console takes
 * them: letters, digits, '.', '_' and '-' (a '.' would split the routing key, so it is refused too).
 */
export function parseTenantLoads(spec: string, defaultRate = 5): TenantLoad[] {
  const loads: TenantLoad[] = [];
  const seen = new Set<string>();
  for (const part of spec.split(',')) {
    const item = part.trim();
    if (!item) continue;
    const [id = '', rateText] = item.split('=').map((s) => s.trim());
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(id))
      throw new Error(`tenant "${id}": use letters, digits, '_' and '-'`);
    if (seen.has(id)) throw new Error(`tenant "${id}" is listed twice`);
    const rate = rateText === undefined ? defaultRate : Number(rateText);
    if (!Number.isFinite(rate) || rate < 0)
      throw new Error(`tenant "${id}": rate "${rateText}" is not a number ≥ 0`);
    seen.add(id);
    loads.push({ id, rate });
  }
  if (loads.length === 0) throw new Error('no tenants given');
  return loads;
}
