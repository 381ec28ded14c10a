import { expect, test } from '../../fixtures/app.fixture';
import { FlipDialogPage } from '../../pages/flip-dialog.page';

test.use({ consoleOptions: { tenants: 30, spikeAfterSec: null } });

test('keyboard first: / filters, arrows move, Enter opens, Ctrl+K flips', async ({ app }) => {
  await app.keyboard.press('/');
  await expect(app.getByTestId('tenant-filter')).toBeFocused();
  await app.keyboard.type('glob');
  await expect(app.locator('[data-testid^="tenant-row-"]')).toHaveCount(1);
  await app.keyboard.press('ArrowDown');
  await app.keyboard.press('Enter');
  await expect(app.getByTestId('tenant-detail')).toContainText('Globex');
  await app.keyboard.press('Escape');
  await expect(app.getByTestId('tenant-detail')).toBeHidden();

  await app.keyboard.press('Control+k');
  await app.getByTestId('palette-input').fill('stop initech');
  await app.keyboard.press('Enter');
  const dialog = new FlipDialogPage(app);
  await expect(dialog.dialog).toBeVisible();
  await expect(dialog.impact()).toContainText('Initech');
  await app.keyboard.press('Escape');
  await expect(dialog.dialog).toBeHidden();
});
