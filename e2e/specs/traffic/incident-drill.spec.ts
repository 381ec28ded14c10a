import { readFile } from 'node:fs/promises';
import { expect, test } from '../../fixtures/app.fixture';
import { saveScreenshot } from '../../fixtures/screenshots';
import { AuditPage } from '../../pages/audit.page';
import { FlipDialogPage } from '../../pages/flip-dialog.page';
import { TrafficPage } from '../../pages/traffic.page';

// The spike is scripted after the baselines have learned (they judge a tenant after 20 samples).
test.use({ consoleOptions: { tenants: 50, spikeAfterSec: 22 } });

test('incident drill: the spike is marked, the operator switches the tenant off with a reason, its traffic falls to zero, the audit shows it', async ({
  app,
}, testInfo) => {
  const traffic = new TrafficPage(app);
  await expect(traffic.row('acme')).toHaveAttribute('data-status', /normal|over-limit|elevated/);
  await saveScreenshot(app, testInfo, '01-traffic-calm');

  await expect(traffic.row('acme')).toHaveAttribute('data-status', 'spike', { timeout: 45_000 });
  await expect(traffic.row('acme').locator('.why')).toContainText('× baseline');
  await expect(traffic.row('globex')).not.toHaveAttribute('data-status', 'spike');
  await expect(app).toHaveTitle('▲ 1 spiking · Switchboard — local'); // seen from a background tab
  await saveScreenshot(app, testInfo, '02-traffic-spike');

  // 50 tenants, one with something to say: the filter picks statuses too
  await traffic.filter('is:spike');
  await expect(app.getByTestId('tenant-count')).toHaveText('1 of 50 tenants');
  await expect(traffic.row('acme')).toBeVisible();
  await traffic.filter('is:spiky');
  await expect(app.getByTestId('filter-hint')).toContainText('is:spiky? try is:spike, elevated');
  await expect(app.getByTestId('tenant-count')).toHaveText('0 of 50 tenants');
  await traffic.filter('');
  await expect(traffic.row('globex')).toBeVisible();

  // One action from the alert: the spike's toast offers the kill switch itself.
  const spikeToast = app
    .locator('[data-testid="alert-toast"][data-kind="spike"]')
    .filter({ hasText: 'Acme' });
  await spikeToast.getByTestId('toast-stop').click();
  const dialog = new FlipDialogPage(app);
  await expect(dialog.impact()).toContainText('Acme');
  await expect(dialog.impact()).toContainText('/s');
  await expect(dialog.dialog.getByTestId('flip-confirm')).toBeDisabled();
  await saveScreenshot(app, testInfo, '03-flip-dialog');
  await dialog.confirm('INC-42: acme spike, broker near watermark');
  await expect(dialog.result()).toHaveAttribute('data-outcome', 'applied');
  await expect(dialog.effect()).toContainText('→ 0', { timeout: 15_000 });
  await saveScreenshot(app, testInfo, '04-flip-applied');
  await dialog.close();

  await expect(traffic.row('acme')).toHaveAttribute('data-status', 'off');
  // switched off: no toast about acme offers to stop it any more
  await expect(
    app.getByTestId('alert-toast').filter({ hasText: 'Acme' }).getByTestId('toast-stop'),
  ).toHaveCount(0);
  await expect(traffic.row('acme')).toHaveAttribute('data-publishing', 'off');
  await expect(traffic.rate('acme')).toHaveText(/^0(\/s)?$/);
  await expect(app).toHaveTitle('Switchboard — local');
  // the others keep publishing
  await expect(traffic.rate('globex')).not.toHaveText(/^0(\/s)?$/);

  const audit = new AuditPage(app);
  await audit.open();
  const entry = audit.rows('acme').first();
  await expect(entry).toHaveAttribute('data-outcome', 'applied');
  await expect(entry).toContainText('INC-42: acme spike, broker near watermark');
  await expect(entry).toContainText('publish-events');
  await saveScreenshot(app, testInfo, '05-audit');

  // the write-up: the trail as CSV, the flip with its reason and effect
  const [download] = await Promise.all([
    app.waitForEvent('download'),
    app.getByTestId('audit-export').click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^switchboard-audit-local-\d{8}-\d{4}\.csv$/);
  const csv = await readFile(await download.path(), 'utf8');
  expect(csv.split('\r\n')[0]).toMatch(/^when,source,who,action,flag,tenant,/);
  expect(csv).toMatch(
    /\n[^\n]*,Switchboard,[^,]+,set-tenant-flag,publish-events,acme,false,true,[^\n]*"INC-42: acme spike, broker near watermark",applied,/,
  );

  // The spike's toast left when the kill ended the spike; the alerts panel keeps both.
  await expect(app.getByTestId('alert-toast').filter({ hasText: 'is spiking' })).toHaveCount(0);
  const toggle = app.getByTestId('alerts-toggle');
  await expect(toggle).not.toHaveAttribute('data-unseen', '0');
  await toggle.click();
  const items = app.getByTestId('alerts-panel').getByTestId('alerts-panel-item');
  await expect(items.filter({ hasText: 'Acme Corp is spiking' })).toHaveAttribute(
    'data-severity',
    'critical',
  );
  await expect(items.filter({ hasText: 'Acme Corp spike ended: publishing switched off' })).toHaveCount(1);
  await expect(toggle).toHaveAttribute('data-unseen', '0');
  await saveScreenshot(app, testInfo, '06-alerts');
  await items.filter({ hasText: 'Acme Corp is spiking' }).getByRole('button', { name: 'Open acme' }).click();
  await expect(app.getByTestId('alerts-panel')).toHaveCount(0);
  await expect(app.getByTestId('tenant-detail')).toBeVisible();
});
