import { expect, test } from '../../fixtures/app.fixture';
import { saveScreenshot } from '../../fixtures/screenshots';
import { AuditPage } from '../../pages/audit.page';
import { FlipDialogPage } from '../../pages/flip-dialog.page';
import { TrafficPage } from '../../pages/traffic.page';

test.use({ consoleOptions: { tenants: 30, spikeAfterSec: null } });

test('customer success turns a release flag on for one account, with a time box, and services see it over OFREP', async ({
  app,
  server,
}, testInfo) => {
  const traffic = new TrafficPage(app);
  await traffic.row('globex').click();
  const detail = app.getByTestId('tenant-detail');
  await expect(detail).toBeVisible();
  const row = detail.getByTestId('flag-row-new-dashboard');
  await expect(row).toHaveAttribute('data-source', 'default');

  await row.getByTestId('flag-control-new-dashboard').click();
  const dialog = new FlipDialogPage(app);
  await dialog.confirm('CS-118: Globex beta of the new dashboard', '1h');
  await expect(dialog.result()).toHaveAttribute('data-outcome', 'applied');
  await dialog.close();
  await expect(row).toHaveAttribute('data-source', 'tenant-override');
  await expect(row.getByTestId('flag-timebox-new-dashboard')).toHaveText(/off in (1 h|59 min)/);
  await expect(detail.getByTestId('tenant-audit-row').first()).toContainText('CS-118');
  await saveScreenshot(app, testInfo, 'tenant-flag-override');

  if (server) {
    const evaluate = async (tenant: string) => {
      const response = await fetch(`${server.ofrepEndpoint}/evaluate/flags/new-dashboard`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ context: { targetingKey: tenant } }),
      });
      return (await response.json()) as { value: unknown; reason: string };
    };
    expect(await evaluate('globex')).toMatchObject({ value: true, reason: 'TARGETING_MATCH' });
    expect((await evaluate('initech')).value).toBe(false);
  }

  const audit = new AuditPage(app);
  await audit.open();
  const entry = audit.rows('globex').first();
  await expect(entry).toContainText('new-dashboard');
  await expect(entry).toContainText(/1 h|60 min|revert/i);

  // The Flags view names who gets something else than the default, and a name opens that tenant.
  await app.getByTestId('nav-flags').click();
  const differ = app
    .locator('[data-testid="flag-row"][data-flag="new-dashboard"]')
    .getByTestId('flag-exceptions');
  await expect(differ).toHaveAttribute('data-total', '1');
  await expect(differ).toContainText('Globex');
  await differ.getByRole('button', { name: /Globex/ }).click();
  await expect(app.getByTestId('tenant-detail')).toContainText('globex');
});

test('a kill switch turned off for 15 minutes says in its row and its panel when it comes back on', async ({
  app,
}, testInfo) => {
  const traffic = new TrafficPage(app);
  await expect(traffic.row('initech')).toHaveAttribute('data-publishing', 'on', { timeout: 20_000 });
  await traffic.killSwitch('initech').click();
  const dialog = new FlipDialogPage(app);
  await dialog.confirm('INC-9: initech retry storm', '15m');
  await expect(dialog.result()).toHaveAttribute('data-outcome', 'applied');
  await dialog.close();
  await expect(traffic.row('initech').getByTestId('timebox-initech')).toHaveText(/on in 1[45] min/);
  await expect(traffic.row('globex').getByTestId('timebox-globex')).toHaveCount(0);
  await traffic.row('initech').click();
  const detail = app.getByTestId('tenant-detail');
  await expect(detail.getByTestId('flag-timebox-publish-events')).toHaveText(/on in 1[45] min/);
  await saveScreenshot(app, testInfo, 'kill-switch-time-box');

  // switched back on by hand: nothing comes back by itself any more
  await detail.getByTestId('detail-kill-switch').click();
  await dialog.confirm('INC-9: fixed');
  await expect(dialog.result()).toHaveAttribute('data-outcome', 'applied');
  await dialog.close();
  await expect(traffic.row('initech').getByTestId('timebox-initech')).toHaveCount(0);
  await expect(detail.getByTestId('flag-timebox-publish-events')).toHaveCount(0);
});
