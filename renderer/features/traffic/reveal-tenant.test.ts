import { describe, expect, it } from 'vitest';
import { createAppStores } from '../../app/context';
import { revealTenant } from './reveal-tenant';

describe('revealTenant', () => {
  it('shows the traffic view with the tenant selected, scrolled to and its panel open', () => {
    const stores = createAppStores();
    stores.ui.setState({ view: 'audit', openTenantId: null, revealSeq: 4 });
    revealTenant(stores, 'acme');
    expect(stores.ui.getState()).toMatchObject({ view: 'traffic', openTenantId: 'acme', revealSeq: 5 });
    expect(stores.traffic.getState().selectedId).toBe('acme');
  });
});
