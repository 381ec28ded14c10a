import { expect, test } from '../../fixtures/app.fixture';
import { AuditPage } from '../../pages/audit.page';
import { FlagsPage } from '../../pages/flags.page';
import { FlipDialogPage } from '../../pages/flip-dialog.page';
import { TrafficPage } from '../../pages/traffic.page';

test.use({ consoleOptions: { tenants: 30, spikeAfterSec: null } });

test('a flag off for everyone from the Flags view, time-boxed: the dialog says what everyone gets, the tenants get it, the audit says "everyone"', async ({
  app,
}) => {
  const traffic = new TrafficPage(app);
  const dialog = new FlipDialogPage(app);
  await expect(traffic.row('acme')).toHaveAttribute('data-publishing', 'on', { timeout: 20_000 });
  await traffic.killSwitch('acme').click();
  await dialog.confirm('acme over its limit');
  await expect(dialog.result()).toHaveAttribute('data-outcome', 'applied');
  await dialog.close();
  await expect(traffic.row('acme')).toHaveAttribute('data-publishing', 'off');

  // Embedded (flagd): off serves the default variant to everyone — acme would publish again, and the
  // dialog says so before anyone confirms.
  const flags = new FlagsPage(app);
  await flags.open();
  await flags.toggle('publish-events').click();
  await expect(dialog.impact()).toContainText('every tenant is served on');
  await expect(dialog.impact()).toContainText('The 1 tenant switched off now will publish again');
  await dialog.confirm('overrides under review', '15m');
  await expect(dialog.result()).toHaveAttribute('data-outcome', 'applied');
  await expect(dialog.result()).toContainText('publish-events turned off for everyone, reverts at');
  await dialog.close();
  await expect(flags.row('publish-events')).toHaveAttribute('data-enabled', 'false');
  // the Flags view says when it comes back on by itself
  await expect(flags.row('publish-events').getByTestId('flag-wide-timebox')).toHaveText(
    /on for everyone in 1[45] min/,
  );
  await traffic.open();
  await expect(traffic.row('acme')).toHaveAttribute('data-publishing', 'on');

  await flags.open();
  await flags.toggle('publish-events').click();
  await dialog.confirm('review done');
  await expect(dialog.result()).toHaveAttribute('data-outcome', 'applied');
  await dialog.close();
  // turned back on by hand: the time box has nothing left to do
  await expect(flags.row('publish-events').getByTestId('flag-wide-timebox')).toHaveCount(0);
  await traffic.open();
  await expect(traffic.row('acme')).toHaveAttribute('data-publishing', 'off');

  const audit = new AuditPage(app);
  await audit.open();
  const everyone = audit.rows().and(app.locator('[data-action="set-flag-enabled"]'));
  await expect(everyone).toHaveCount(2);
  await expect(everyone.first()).toContainText('publish-events turned on for everyone');
  await expect(everyone.nth(1)).toContainText('overrides under review');
  await expect(everyone.nth(1).locator('.col-box')).toContainText('15');
});
