import type { FlagValue } from '../api';

/** A flag value as people read it in messages: true, 250, "beta". */
export function flagValueText(value: FlagValue | null): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
