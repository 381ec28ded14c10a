import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../electron/core/api';
import { markerFromAlert } from './alert-marker';

const alert = (kind: Alert['kind'], tenantId: string | null): Alert => ({
  id: `${kind}:${tenantId}`,
  at: 1_700_000_000_000,
  kind,
  severity: 'warning',
  tenantId,
  message: '',
});

describe('markerFromAlert', () => {
  it("marks a tenant's spike and its silence where they began", () => {
    expect(markerFromAlert(alert('spike', 'acme'))).toEqual({
      t: 1_700_000_000_000,
      kind: 'spike',
      tenantId: 'acme',
      label: 'acme',
    });
    expect(markerFromAlert(alert('silent', 'acme'))).toMatchObject({ kind: 'silent', label: 'acme silent' });
  });

  it('leaves the rest to the tick: alerts about everyone, ends, other kinds', () => {
    expect(markerFromAlert(alert('silent', null))).toBeNull();
    expect(markerFromAlert(alert('silent-ended', 'acme'))).toBeNull();
    expect(markerFromAlert(alert('over-limit', 'acme'))).toBeNull();
  });
});
