/** The typed arrays the traffic state is kept in (one slot per tenant index). */
export type TenantArray = Float64Array | Float32Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;

/**
 * The same array when it already has room for `needed` slots, else a copy with at least that many.
 * Growth doubles so that tenants appearing one by one in traffic cost amortised O(1) each.
 */
export function withRoom<T extends TenantArray>(array: T, needed: number): T {
  if (array.length >= needed) return array;
  const make = array.constructor as new (length: number) => T;
  const next = new make(Math.max(needed, array.length * 2, 16));
  // Every member of the union has the same `set`; TypeScript cannot see that through the generic.
  (next as Float64Array).set(array as Float64Array);
  return next;
}
