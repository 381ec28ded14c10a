import type { Page } from '@playwright/test';
import { expect, test } from '../../fixtures/app.fixture';
import { saveScreenshot } from '../../fixtures/screenshots';
import { FlagsPage } from '../../pages/flags.page';
import { TrafficPage } from '../../pages/traffic.page';

test.use({ consoleOptions: { tenants: 20, spikeAfterSec: null } });

/** The palette's items for a query, as `data-action` values: `flip` is a write, `open-tenant` is not. */
async function paletteActions(app: Page, query: string): Promise<string[]> {
  await app.keyboard.press('Control+k');
  const input = app.getByTestId('palette-input');
  await input.fill(query);
  // the list answers the query typed, not the empty one the palette opened with (whose commands would
  // pass for an answer: a race seen in CI)
  await expect(app.locator('#palette-list')).toHaveAttribute('data-query', query);
  await expect(app.locator('#palette-list > li').first()).toBeVisible();
  const actions = await app
    .getByTestId('palette-item')
    .evaluateAll((items) => items.map((item) => item.getAttribute('data-action') ?? ''));
  await app.keyboard.press('Escape');
  await expect(app.getByTestId('command-palette')).toBeHidden();
  return actions;
}

/** Every control in the open tenant panel that would change a flag. */
function tenantWriteControls(app: Page) {
  const detail = app.getByTestId('tenant-detail');
  return detail.getByTestId('detail-kill-switch').or(detail.locator('[data-testid^="flag-control-"]'));
}

test('profiles: add one (testing it before saving), test its connection, switch to a read-only profile and back', async ({
  app,
}, testInfo) => {
  await app.getByTestId('nav-profiles').click();
  await expect(app.getByTestId('profile-card-local')).toHaveAttribute('data-active', 'true');

  await app.getByTestId('profile-add').click();
  await app.getByTestId('profile-form-name').fill('observer');
  await app.getByTestId('profile-form-prometheusUrl').fill('http://127.0.0.1:59');
  await app.getByTestId('profile-form-readOnly').check();

  // Test the form's contents before saving: each part says what works, and nothing is saved yet.
  await app.getByTestId('profile-form-test').click();
  const draftResult = app.getByTestId('profile-form-test-result');
  await expect(draftResult).toHaveAttribute('data-ok', 'false');
  await expect(draftResult.locator('.check--ok', { hasText: 'flags (embedded)' })).toBeVisible();
  await expect(draftResult.locator('.check--bad')).toContainText(
    /metrics \(prometheus\): .*(cannot reach|refused)/,
  );
  await expect(app.getByTestId('profile-card-observer')).toHaveCount(0);
  await saveScreenshot(app, testInfo, 'profile-form-test');

  await app.getByTestId('profile-form-save').click();
  const card = app.getByTestId('profile-card-observer');
  await expect(card).toBeVisible();
  await expect(app.getByTestId('profile-form')).toHaveCount(0);

  await app.getByTestId('profile-test-observer').click();
  const result = app.getByTestId('profile-test-result-observer');
  await expect(result).toHaveAttribute('data-ok', 'false');
  await expect(result).toContainText('flags (embedded)');
  await expect(result).toContainText(/metrics \(prometheus\): .*(cannot reach|refused)/);
  await saveScreenshot(app, testInfo, 'profiles');

  await app.getByTestId('profile-activate-observer').click();
  await expect(card).toHaveAttribute('data-active', 'true');
  await expect(app.getByTestId('read-only-badge')).toBeVisible();

  // Read-only: no control anywhere may start a change (issue 4).
  const traffic = new TrafficPage(app);
  await traffic.open();
  await expect(traffic.killSwitch('acme')).toBeDisabled({ timeout: 20_000 });

  await traffic.row('acme').click();
  const detail = app.getByTestId('tenant-detail');
  await expect(detail.locator('[data-testid^="flag-row-"]').first()).toBeVisible();
  const controls = tenantWriteControls(app);
  expect(await controls.count()).toBeGreaterThan(1);
  for (const control of await controls.all()) await expect(control).toBeDisabled();
  await app.keyboard.press('Escape');
  await expect(detail).toBeHidden();

  const flags = new FlagsPage(app);
  await flags.open();
  const toggles = app.getByTestId('flag-toggle');
  await expect(toggles.first()).toBeVisible();
  for (const toggle of await toggles.all()) await expect(toggle).toBeDisabled();

  await traffic.open();
  const found = await paletteActions(app, 'acme');
  expect(found).toContain('open-tenant');
  expect(found).not.toContain('flip');
  expect(await paletteActions(app, 'stop acme')).not.toContain('flip');

  await app.getByTestId('nav-profiles').click();
  await app.getByTestId('profile-activate-local').click();
  await expect(app.getByTestId('profile-card-local')).toHaveAttribute('data-active', 'true');
  await expect(app.getByTestId('read-only-badge')).toHaveCount(0);

  // ...and back on a writable profile the same controls are live again, so the checks above were not vacuous.
  await traffic.open();
  await expect(traffic.killSwitch('acme')).toBeEnabled({ timeout: 20_000 });
  await traffic.row('acme').click();
  await expect(detail.getByTestId('detail-kill-switch')).toBeEnabled();
  await app.keyboard.press('Escape');
  await flags.open();
  await expect(flags.toggle('publish-events')).toBeEnabled();
  await traffic.open();
  expect(await paletteActions(app, 'stop acme')).toContain('flip');
});
