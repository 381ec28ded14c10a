/**
 * Fuzzy matching for the command palette. The query is split on spaces; every term must appear in
 * the label as a subsequence, in any order ("acme off" finds "Switch off publishing for acme").
 * A term scores higher when its letters are consecutive and when it starts at a word boundary, and a
 * whole-word or prefix match of the label beats a scattered one. Returns null when a term is missing.
 */

export interface MatchResult {
  score: number;
  /** indices of matched characters in the label, ascending, for highlighting */
  positions: number[];
}

function isBoundary(label: string, i: number): boolean {
  if (i === 0) return true;
  const prev = label[i - 1]!;
  return prev === ' ' || prev === '-' || prev === '_' || prev === '.' || prev === ':' || prev === '/';
}

/** Best score for one term in the label (greedy from every possible start), or null. */
function matchTerm(label: string, lower: string, term: string): MatchResult | null {
  let best: MatchResult | null = null;
  let start = lower.indexOf(term[0]!);
  while (start !== -1) {
    const positions: number[] = [];
    let score = 0;
    let li = start;
    let prev = -2;
    let ok = true;
    for (let k = 0; k < term.length; k++) {
      const ch = term[k]!;
      let found = -1;
      // prefer a consecutive hit, then a word-boundary hit, then any later hit
      if (lower[prev + 1] === ch && prev + 1 >= li) found = prev + 1;
      else {
        let any = -1;
        for (let x = li; x < lower.length; x++) {
          if (lower[x] !== ch) continue;
          if (any === -1) any = x;
          if (isBoundary(label, x)) {
            found = x;
            break;
          }
        }
        if (found === -1) found = any;
      }
      if (found === -1) {
        ok = false;
        break;
      }
      score += 1;
      if (found === prev + 1) score += 4;
      if (isBoundary(label, found)) score += 3;
      positions.push(found);
      prev = found;
      li = found + 1;
    }
    if (!ok) break;
    // whole word
    const first = positions[0]!;
    const end = positions[positions.length - 1]! + 1;
    if (end - first === term.length) {
      // the term as one run of letters, better still as a whole word
      score += 2 * term.length;
      if (isBoundary(label, first) && (end === label.length || !/[a-z0-9]/.test(lower[end]!))) score += 6;
    }
    if (first === 0) score += 2;
    if (!best || score > best.score) best = { score, positions };
    start = lower.indexOf(term[0]!, start + 1);
  }
  return best;
}

export function fuzzyMatch(query: string, label: string): MatchResult | null {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return { score: 0, positions: [] };
  const lower = label.toLowerCase();
  let score = 0;
  const positions = new Set<number>();
  for (const term of terms) {
    const m = matchTerm(label, lower, term);
    if (!m) return null;
    score += m.score;
    for (const p of m.positions) positions.add(p);
  }
  // shorter labels win ties: "acme" before "acme-staging"
  score -= label.length * 0.01;
  return { score, positions: [...positions].sort((a, b) => a - b) };
}

export interface Ranked<T> {
  item: T;
  match: MatchResult;
}

/** The `limit` best items for the query, best first; stable for equal scores. */
export function rank<T>(
  query: string,
  items: Iterable<T>,
  labelOf: (item: T) => string,
  limit: number,
): Ranked<T>[] {
  const out: Ranked<T>[] = [];
  let worst = -Infinity;
  for (const item of items) {
    const match = fuzzyMatch(query, labelOf(item));
    if (!match) continue;
    if (out.length >= limit && match.score <= worst) continue;
    out.push({ item, match });
    if (out.length > limit * 4) {
      out.sort((a, b) => b.match.score - a.match.score);
      out.length = limit;
      worst = out[out.length - 1]!.match.score;
    }
  }
  out.sort((a, b) => b.match.score - a.match.score);
  if (out.length > limit) out.length = limit;
  // letters scattered across a long label ("glo" in "publishing for Hooli") are noise next to a real hit
  const best = out[0]?.match.score ?? 0;
  return best > 0 ? out.filter((r) => r.match.score >= best * RELEVANT) : out;
}

/** Results scoring below this share of the best one are dropped. */
export const RELEVANT = 0.45;
