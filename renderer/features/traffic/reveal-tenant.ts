import type { AppStores } from '../../app/context';
import { select } from './traffic-store';

/**
 * Show one tenant: the traffic view, its row selected and scrolled into view, its panel open — for
 * the palette's jump, a toast's "Open" and a clicked desktop notification alike.
 */
export function revealTenant(stores: AppStores, tenantId: string): void {
  select(stores.traffic, tenantId);
  const ui = stores.ui;
  ui.setState({ view: 'traffic', openTenantId: tenantId, revealSeq: ui.getState().revealSeq + 1 });
}
