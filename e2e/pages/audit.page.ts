import type { Locator, Page } from '@playwright/test';

export class AuditPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-audit').click();
    await this.page.getByTestId('audit-view').waitFor();
  }

  rows(tenantId?: string): Locator {
    const rows = this.page.getByTestId('audit-row');
    return tenantId ? rows.and(this.page.locator(`[data-tenant="${tenantId}"]`)) : rows;
  }
}
