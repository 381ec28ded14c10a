import { setMemoryWatermark } from '../../../test-services/rabbitmq-instance';
import { expect, test } from '../../fixtures/app.fixture';
import { type BrokerWorkload, startBrokerWorkload } from '../../fixtures/broker-workload';
import { saveScreenshot } from '../../fixtures/screenshots';
import { AuditPage } from '../../pages/audit.page';
import { FlipDialogPage } from '../../pages/flip-dialog.page';
import { TrafficPage } from '../../pages/traffic.page';

test.describe.configure({ mode: 'serial', timeout: 180_000 });

let workload: BrokerWorkload;

// biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixtures from this pattern
test.beforeAll(async ({}, testInfo) => {
  const electronTarget = testInfo.project.name === 'electron';
  test.skip(electronTarget, 'Electron target: the broker drill runs once, on the web host');
  workload = await startBrokerWorkload();
});

test.afterAll(async () => {
  await workload?.stop();
});

test('incident drill on a real RabbitMQ: the spike is marked, the tenant is switched off, its publishes at the broker stop while the others continue', async ({
  page,
}, testInfo) => {
  // Baselines judge a tenant after 20 samples; the spike comes after that.
  await workload.startPublisher({ spikeAfterMs: 28_000 });
  await page.goto(workload.server.url);
  const traffic = new TrafficPage(page);
  await expect(traffic.row('acme')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('source-status-rabbitmq')).toHaveAttribute('data-state', 'ok');

  await expect(traffic.row('acme')).toHaveAttribute('data-status', 'spike', { timeout: 60_000 });
  await expect(traffic.row('globex')).not.toHaveAttribute('data-status', 'spike');
  await saveScreenshot(page, testInfo, 'broker-spike');

  await traffic.killSwitch('acme').click();
  const dialog = new FlipDialogPage(page);
  await dialog.confirm('INC-7: acme flood at the broker');
  await expect(dialog.result()).toHaveAttribute('data-outcome', 'applied');
  await dialog.close();

  // At the broker: acme's queue stops growing, globex's keeps growing.
  await expect.poll(() => workload.publisher!.allowed('acme'), { timeout: 5_000 }).toBe(false);
  await page.waitForTimeout(1_500); // let in-flight confirms land
  const acmeStopped = await workload.taps.count('acme');
  const globexBefore = await workload.taps.count('globex');
  await page.waitForTimeout(3_000);
  expect(await workload.taps.count('acme')).toBe(acmeStopped);
  expect(await workload.taps.count('globex')).toBeGreaterThan(globexBefore);

  // In the console: acme's broker-side rate falls to zero, it is marked off.
  await expect(traffic.row('acme')).toHaveAttribute('data-status', 'off');
  await expect(traffic.rate('acme')).toHaveText(/^0(\/s)?$/, { timeout: 20_000 });
  await expect(traffic.rate('globex')).not.toHaveText(/^0(\/s)?$/);
  await saveScreenshot(page, testInfo, 'broker-switched-off');

  const audit = new AuditPage(page);
  await audit.open();
  await expect(audit.rows('acme').first()).toContainText('INC-7');
});

test('channel-leak mode raises the leak warning before any memory alarm; a lowered watermark shows the alarm and blocked publishers, restoring clears them', async ({
  page,
}, testInfo) => {
  await workload.publisher?.stop();
  await workload.startPublisher({ channelLeak: true });
  await page.goto(workload.server.url);
  const strip = page.getByTestId('broker-strip');
  await expect(strip).toBeVisible({ timeout: 20_000 });
  await expect(strip.getByTestId('broker-leak')).toBeVisible({ timeout: 45_000 });
  await expect(strip.getByTestId('broker-alarm')).toHaveCount(0);
  await saveScreenshot(page, testInfo, 'broker-leak');

  await workload.publisher?.stop();
  await workload.startPublisher();
  await setMemoryWatermark(workload.rabbit, 'alarm');
  await expect(strip.getByTestId('broker-alarm')).toBeVisible({ timeout: 30_000 });
  await expect(strip.getByTestId('broker-blocked')).toContainText(/[1-9]/, { timeout: 30_000 });
  await page.getByTestId('nav-health').click();
  await expect(page.getByTestId('health-blocked')).toBeVisible();
  await saveScreenshot(page, testInfo, 'broker-memory-alarm');

  await setMemoryWatermark(workload.rabbit, 'default');
  await expect(strip.getByTestId('broker-alarm')).toHaveCount(0, { timeout: 30_000 });
  await expect(strip.getByTestId('broker-blocked')).not.toContainText(/[1-9]/, { timeout: 30_000 });
});
