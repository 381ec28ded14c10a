import { ApiError, type FlagInfo, type FlagValue } from '../api';
import { flagValueText } from './flag-value-text';

/** The values a flag can take: its variants' values of the flag's type, without duplicates. */
export function allowedValues(flag: FlagInfo): FlagValue[] {
  const values = Object.values(flag.variants).filter((value) => typeof value === flag.valueType);
  return [...new Set(values)];
}

/**
 * Refuse a value the flag cannot serve. A provider would often accept it and every service would
 * then fall back to its code default — a silent wrong state for that tenant.
 */
export function checkFlagValue(flag: FlagInfo, value: FlagValue): void {
  const allowed = allowedValues(flag);
  const typeOk = typeof value === flag.valueType;
  // A flag without declared variants takes any value of its type.
  if (typeOk && (allowed.length === 0 || allowed.includes(value))) return;
  const expected =
    allowed.length > 0 ? `one of ${allowed.map(flagValueText).join(', ')}` : `a ${flag.valueType}`;
  throw new ApiError('INVALID_INPUT', `${flag.key} takes ${expected}; got ${flagValueText(value)}`, [
    `value: expected ${expected}`,
  ]);
}
