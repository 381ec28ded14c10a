import { expect, test } from '../../fixtures/app.fixture';
import { saveScreenshot } from '../../fixtures/screenshots';
import { TrafficPage } from '../../pages/traffic.page';

test.use({ consoleOptions: { tenants: 20, spikeAfterSec: null } });

test('profiles: add one, test its connection, switch to a read-only profile and back', async ({
  app,
}, testInfo) => {
  await app.getByTestId('nav-profiles').click();
  await expect(app.getByTestId('profile-card-local')).toHaveAttribute('data-active', 'true');

  await app.getByTestId('profile-add').click();
  await app.getByTestId('profile-form-name').fill('observer');
  await app.getByTestId('profile-form-prometheusUrl').fill('http://127.0.0.1:59');
  await app.getByTestId('profile-form-readOnly').check();
  await app.getByTestId('profile-form-save').click();
  const card = app.getByTestId('profile-card-observer');
  await expect(card).toBeVisible();

  await app.getByTestId('profile-test-observer').click();
  const result = app.getByTestId('profile-test-result-observer');
  await expect(result).toHaveAttribute('data-ok', 'false');
  await expect(result).toContainText('flags (embedded)');
  await expect(result).toContainText(/metrics \(prometheus\): .*(cannot reach|refused)/);
  await saveScreenshot(app, testInfo, 'profiles');

  await app.getByTestId('profile-activate-observer').click();
  await expect(card).toHaveAttribute('data-active', 'true');
  await expect(app.getByTestId('read-only-badge')).toBeVisible();
  await app.getByTestId('nav-traffic').click();
  await expect(new TrafficPage(app).killSwitch('acme')).toBeDisabled({ timeout: 20_000 });

  await app.getByTestId('nav-profiles').click();
  await app.getByTestId('profile-activate-local').click();
  await expect(app.getByTestId('profile-card-local')).toHaveAttribute('data-active', 'true');
  await expect(app.getByTestId('read-only-badge')).toHaveCount(0);
});
