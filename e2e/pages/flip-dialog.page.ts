import type { Locator, Page } from '@playwright/test';

export type TimeBox = 'none' | '15m' | '1h' | '4h';

/** The dialog every flag change goes through: impact, reason, time box, outcome. */
export class FlipDialogPage {
  readonly dialog: Locator;
  constructor(readonly page: Page) {
    this.dialog = page.getByTestId('flip-dialog');
  }

  impact(): Locator {
    return this.dialog.getByTestId('flip-impact');
  }

  result(): Locator {
    return this.dialog.getByTestId('flip-result');
  }

  /** For a change the provider refused pending approval: the state and the "Request approval" button. */
  approval(): Locator {
    return this.dialog.getByTestId('approval-state');
  }

  effect(): Locator {
    return this.dialog.getByTestId('flip-effect');
  }

  /** Production profiles: the field where the tenant id (or, flag-wide, the flag key) is typed. */
  nameToType(): Locator {
    return this.dialog.getByTestId('flip-confirm-name');
  }

  confirmButton(): Locator {
    return this.dialog.getByTestId('flip-confirm');
  }

  /** `typeName`: on a production profile, the tenant id (or flag key) typed to confirm. */
  async confirm(reason: string, timeBox: TimeBox = 'none', typeName?: string): Promise<void> {
    await this.dialog.getByTestId('flip-reason').fill(reason);
    // a change to everyone has no time box
    const select = this.dialog.getByTestId('flip-timebox');
    if (timeBox !== 'none' || (await select.count()) > 0) await select.selectOption(timeBox);
    if (typeName !== undefined) await this.nameToType().fill(typeName);
    await this.confirmButton().click();
  }

  async close(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.dialog.waitFor({ state: 'hidden' });
  }
}
