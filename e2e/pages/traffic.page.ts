import type { Locator, Page } from '@playwright/test';

/** The traffic view: header strip, overview chart, tenants table with the kill switch in each row. */
export class TrafficPage {
  constructor(readonly page: Page) {}

  row(tenantId: string): Locator {
    return this.page.getByTestId(`tenant-row-${tenantId}`);
  }

  rate(tenantId: string): Locator {
    return this.row(tenantId).locator('.c-rate');
  }

  killSwitch(tenantId: string): Locator {
    return this.page.getByTestId(`kill-switch-${tenantId}`);
  }

  async filter(text: string): Promise<void> {
    await this.page.keyboard.press('/');
    await this.page.getByTestId('tenant-filter').fill(text);
  }

  async open(): Promise<void> {
    await this.page.getByTestId('nav-traffic').click();
    await this.page.getByTestId('tenant-table').waitFor();
  }
}
