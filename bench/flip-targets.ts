/**
 * Which tenant each measured flip switches. Always flipping the same tenant measures one position
 * in the list, and an OFREP client that re-fetches tenants in list order sees the 2nd tenant long
 * before the 1,900th. So the flipped tenants are spread evenly over the whole list, and visited in
 * a seeded random order: position is not confused with time (a neighbour's burst, a warming JIT).
 */
import { SeededRandom } from '../electron/core/metrics/simulated/seeded-random';

/**
 * `count` indices spread evenly over a list of `length` (the middle of each equal slice): the
 * list's start, middle and end alike.
 */
export function spreadIndices(length: number, count: number): number[] {
  if (!Number.isInteger(length) || length < 1) throw new RangeError(`length must be ≥ 1, got ${length}`);
  if (!Number.isInteger(count) || count < 1 || count > length)
    throw new RangeError(`count must be within 1..${length}, got ${count}`);
  return Array.from({ length: count }, (_, k) => Math.floor(((k + 0.5) * length) / count));
}

/**
 * `rounds` positions in the list, one per round: the `distinct` spread positions, each in turn in a
 * seeded random order (re-shuffled every pass), so every position is flipped equally often and two
 * rounds in a row never flip the same tenant unless only one is chosen.
 */
export function flipSchedule(length: number, distinct: number, rounds: number, seed = 1): number[] {
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`rounds must be ≥ 1, got ${rounds}`);
  const positions = spreadIndices(length, distinct);
  const random = new SeededRandom(seed);
  const schedule: number[] = [];
  while (schedule.length < rounds) {
    let pass = shuffled(positions, random);
    // A pass that starts where the previous one ended would flip that tenant twice in a row.
    if (pass.length > 1 && pass[0] === schedule.at(-1)) pass = [...pass.slice(1), pass[0]!];
    schedule.push(...pass);
  }
  return schedule.slice(0, rounds);
}

/** Fisher–Yates with the given generator; the input is left alone. */
function shuffled<T>(values: readonly T[], random: SeededRandom): T[] {
  const out = [...values];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** How the list's first and second half compared: shows whether position still matters. */
export function byHalf<T>(
  rounds: readonly { position: number; value: T }[],
  length: number,
): { first: T[]; second: T[] } {
  const first: T[] = [];
  const second: T[] = [];
  for (const round of rounds) (round.position < length / 2 ? first : second).push(round.value);
  return { first, second };
}
