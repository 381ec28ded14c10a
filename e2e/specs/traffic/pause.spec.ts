import { expect, test } from '../../fixtures/app.fixture';
import { FlipDialogPage } from '../../pages/flip-dialog.page';
import { TrafficPage } from '../../pages/traffic.page';

test.use({ consoleOptions: { tenants: 20, spikeAfterSec: null } });

test('pause freezes the figures, not the kill switches: a flip made while paused shows at once, resume catches up', async ({
  app,
}) => {
  const traffic = new TrafficPage(app);
  const pause = app.getByTestId('pause-toggle');
  await expect(traffic.rate('acme')).toHaveText(/\/s$/);
  await traffic.row('acme').click();
  const detailSwitch = app.getByTestId('tenant-detail').getByTestId('detail-kill-switch');
  await expect(detailSwitch).toHaveText('Stop publishing…');

  await pause.click();
  await expect(pause).toHaveAttribute('aria-pressed', 'true');
  const frozen = await traffic.rate('acme').textContent();
  expect(frozen).not.toMatch(/^0(\/s)?$/);

  await traffic.killSwitch('acme').click();
  const dialog = new FlipDialogPage(app);
  await dialog.confirm('paused while reading the table');
  await expect(dialog.result()).toHaveAttribute('data-outcome', 'applied');
  // the core measured acme's traffic falling to zero: it kept sampling and pushing while paused
  await expect(dialog.effect()).toContainText('→ 0', { timeout: 15_000 });
  await dialog.close();

  // the switches follow the flip (row and tenant panel), so neither offers to flip it again…
  await expect(traffic.killSwitch('acme')).toHaveAttribute('aria-checked', 'false');
  await expect(traffic.row('acme')).toHaveAttribute('data-status', 'off');
  await expect(detailSwitch).toHaveText('Resume publishing…');
  // …while the figures stay as they were frozen
  await expect(traffic.rate('acme')).toHaveText(frozen!);

  await pause.click();
  await expect(pause).toHaveAttribute('aria-pressed', 'false');
  await expect(traffic.rate('acme')).toHaveText(/^0(\/s)?$/);
  await expect(traffic.killSwitch('acme')).toHaveAttribute('aria-checked', 'false');
  await expect(detailSwitch).toHaveText('Resume publishing…');
});
