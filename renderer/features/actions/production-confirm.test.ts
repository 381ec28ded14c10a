import { describe, expect, it } from 'vitest';
import { productionConfirmed } from './production-confirm';

describe('production confirmation', () => {
  it('needs the exact name typed; surrounding spaces aside', () => {
    expect(productionConfirmed('acme', 'acme')).toBe(true);
    expect(productionConfirmed('  acme ', 'acme')).toBe(true);
    expect(productionConfirmed('', 'acme')).toBe(false);
    expect(productionConfirmed('acm', 'acme')).toBe(false);
    expect(productionConfirmed('ACME', 'acme')).toBe(false);
    expect(productionConfirmed('acme2', 'acme')).toBe(false);
    expect(productionConfirmed('', '')).toBe(false);
  });
});
