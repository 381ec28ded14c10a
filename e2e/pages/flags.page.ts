import type { Locator, Page } from '@playwright/test';

/** The Flags view: every flag of the profile's provider, on/off for everyone. */
export class FlagsPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-flags').click();
    await this.page.getByTestId('flags-view').waitFor();
  }

  row(flagKey: string): Locator {
    return this.page.locator(`[data-testid="flag-row"][data-flag="${flagKey}"]`);
  }

  toggle(flagKey: string): Locator {
    return this.row(flagKey).getByTestId('flag-toggle');
  }
}
