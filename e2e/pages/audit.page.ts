import type { Locator, Page } from '@playwright/test';

/**
 * The Audit view: one timeline of Switchboard's entries (`audit-row`) and the flag provider's own
 * log (`provider-history-row`), each row's `data-source` saying which; an entry the provider
 * recorded too carries `data-recorded-by` and is not repeated as a provider row.
 */
export class AuditPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-audit').click();
    await this.page.getByTestId('audit-view').waitFor();
  }

  /** Switchboard's own entries (for one tenant). */
  rows(tenantId?: string): Locator {
    const rows = this.page.getByTestId('audit-row');
    return tenantId ? rows.and(this.page.locator(`[data-tenant="${tenantId}"]`)) : rows;
  }

  /** The provider's events that are not a record of one of ours (for one provider kind: "unleash"). */
  providerRows(provider?: string): Locator {
    const rows = this.page.getByTestId('provider-history-row');
    return provider ? rows.and(this.page.locator(`[data-source="${provider}"]`)) : rows;
  }

  /** The source tag of a row: "Switchboard", "Unleash", "LaunchDarkly". */
  source(row: Locator): Locator {
    return row.getByTestId('audit-source');
  }

  filter(): Locator {
    return this.page.getByTestId('audit-filter');
  }
}
