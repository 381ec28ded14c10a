import type { SeededRandom } from './seeded-random';

/** One tenant of the simulated workload, as a tenants file would describe it. */
export interface SimulatedTenant {
  id: string;
  name: string;
  plan: 'free' | 'team' | 'enterprise';
  /** usage limit, events/s */
  limit: number;
}

/** A tenant plus its typical rate (events/s) before noise and wander. */
export interface SimulatedProfile extends SimulatedTenant {
  baseRate: number;
}

/** Familiar names first, so a demo reads like a real console; generated ids after them. */
const WELL_KNOWN: readonly [id: string, name: string][] = [
  ['acme', 'Acme Corp'],
  ['globex', 'Globex'],
  ['initech', 'Initech'],
  ['umbrella', 'Umbrella Corp'],
  ['hooli', 'Hooli'],
  ['stark', 'Stark Industries'],
  ['wayne', 'Wayne Enterprises'],
  ['wonka', 'Wonka Industries'],
  ['soylent', 'Soylent'],
  ['cyberdyne', 'Cyberdyne Systems'],
  ['tyrell', 'Tyrell Corp'],
  ['aperture', 'Aperture Science'],
  ['oscorp', 'Oscorp'],
  ['vandelay', 'Vandelay Industries'],
  ['pied-piper', 'Pied Piper'],
  ['dunder-mifflin', 'Dunder Mifflin'],
  ['nakatomi', 'Nakatomi Trading'],
  ['gringotts', 'Gringotts'],
  ['monsters-inc', 'Monsters, Inc.'],
  ['massive-dynamic', 'Massive Dynamic'],
];

/** The tenant deliberately running close under its limit, and the one over it (by position). */
const NEAR_LIMIT_AT = 7;
const OVER_LIMIT_AT = 8;
/**
 * Limit tiers a plan offers, events/s. A tenant gets the first with room for its wander and its
 * counting noise, so only the two tenants chosen above ever cross their limits.
 */
const LIMIT_TIERS = [10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000];

/**
 * `count` tenants with heavy-tailed sizes: log-normal rates, so a few big tenants carry most of the
 * traffic and most tenants are small. The well-known names are the established accounts (a higher
 * median); wonka runs at ~80% of its limit and soylent at ~130%, so the limit column has something
 * to show.
 */
export function simulatedTenants(count: number, random: SeededRandom): SimulatedProfile[] {
  const tenants: SimulatedProfile[] = [];
  for (let i = 0; i < count; i++) {
    const [id, name] = WELL_KNOWN[i] ?? [generatedId(i), generatedId(i)];
    const wellKnown = i < WELL_KNOWN.length;
    const drawn = logNormal(random, wellKnown ? 120 : 6, wellKnown ? 1 : 1.5);
    // Near the limit is only a steady story at a size where counting noise is small.
    const baseRate = i === NEAR_LIMIT_AT ? Math.max(drawn, 150) : drawn;
    const limit = limitFor(i, baseRate);
    tenants.push({ id, name, plan: planFor(limit), limit, baseRate });
  }
  return tenants;
}

function generatedId(i: number): string {
  return `tenant-${String(i).padStart(4, '0')}`;
}

function logNormal(random: SeededRandom, median: number, sigma: number): number {
  const rate = median * Math.exp(sigma * random.normal());
  return Math.min(Math.max(rate, 0.1), 20_000);
}

function limitFor(i: number, baseRate: number): number {
  if (i === NEAR_LIMIT_AT) return twoSignificant(baseRate / 0.8);
  if (i === OVER_LIMIT_AT) return twoSignificant(baseRate / 1.3);
  const headroom = Math.max(baseRate * 2.5, baseRate * 1.5 + 8 * Math.sqrt(baseRate));
  return LIMIT_TIERS.find((tier) => tier >= headroom) ?? twoSignificant(headroom);
}

function planFor(limit: number): SimulatedTenant['plan'] {
  if (limit <= 50) return 'free';
  return limit <= 1_000 ? 'team' : 'enterprise';
}

function twoSignificant(value: number): number {
  const magnitude = 10 ** Math.max(Math.floor(Math.log10(value)) - 1, 0);
  return Math.max(Math.round(value / magnitude) * magnitude, 1);
}
