/**
 * Stable React keys for a sliding window of items (virtualized rows, sparkline chunks).
 *
 * Keying a virtualized list by item means every item that scrolls in mounts a fresh subtree and
 * every item that scrolls out is torn down. Keying by a small recycled pool instead means the item
 * that leaves hands its key (and so its DOM nodes) to the item that enters: React then only updates
 * text and attributes. Items still in the window keep their key, so they are not touched at all.
 *
 * A window's size wobbles by an item or two as it slides. A key whose item left while the window
 * shrank is a *spare*: the caller keeps rendering it, hidden, so that its DOM nodes are still there
 * when the window grows again (React unmounts a key the moment it is not rendered).
 */

export interface KeyPool {
  /** item → key for the items of the last window */
  assigned: Map<number, number>;
  /** keys of items that left, not handed out again yet (kept across windows of different sizes) */
  free: number[];
  /** next never-used key */
  next: number;
  /** key → the item it showed last (what a spare keeps showing, hidden) */
  last: Map<number, number>;
}

export function createKeyPool(): KeyPool {
  return { assigned: new Map(), free: [], next: 0, last: new Map() };
}

/** The keys not in use by the current window, with the item each showed last, lowest key first. */
export function spareKeys(pool: KeyPool): { key: number; item: number }[] {
  return [...pool.free].sort((a, b) => a - b).map((key) => ({ key, item: pool.last.get(key) ?? -1 }));
}

/**
 * Keys for `items` (distinct numbers): an item that was in the previous window keeps its key; new
 * items take the keys freed by items that left (now or in an earlier, larger window; lowest first),
 * then fresh keys. Deterministic and idempotent (the same window twice gives the same keys), so it
 * is safe to run during render. The pool never holds more keys than the largest window had items.
 */
export function assignKeys(pool: KeyPool, items: readonly number[]): number[] {
  const prev = pool.assigned;
  const next = new Map<number, number>();
  for (const item of items) {
    const key = prev.get(item);
    if (key !== undefined) next.set(item, key);
  }
  const free = pool.free;
  for (const [item, key] of prev) if (!next.has(item)) free.push(key);
  free.sort((a, b) => b - a); // pop() takes the lowest
  const keys = new Array<number>(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    let key = next.get(item);
    if (key === undefined) {
      key = free.pop() ?? pool.next++;
      next.set(item, key);
      pool.last.set(key, item);
    }
    keys[i] = key;
  }
  pool.assigned = next;
  return keys;
}
