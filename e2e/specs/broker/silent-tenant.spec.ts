import { expect, test } from '../../fixtures/app.fixture';
import { type BrokerWorkload, startBrokerWorkload } from '../../fixtures/broker-workload';
import { saveScreenshot } from '../../fixtures/screenshots';
import { TrafficPage } from '../../pages/traffic.page';

test.describe.configure({ mode: 'serial', timeout: 150_000 });

let workload: BrokerWorkload;

// biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixtures from this pattern
test.beforeEach(async ({}, testInfo) => {
  test.skip(
    testInfo.project.name === 'electron',
    'Electron target: the broker drills run once, on the web host',
  );
  workload = await startBrokerWorkload();
});

test.afterEach(async () => {
  await workload?.stop();
});

test('a tenant whose events stop reaching the broker with its switch on is marked silent, with the reason and a toast; when its route is back it is sending again', async ({
  page,
}, testInfo) => {
  await workload.startPublisher();
  await page.goto(workload.server.url);
  const traffic = new TrafficPage(page);
  await expect(traffic.row('globex')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('source-status-rabbitmq')).toHaveAttribute('data-state', 'ok');
  // baselines are trusted after 20 samples: give globex (100/s) that, and a margin
  await expect(traffic.rate('globex')).not.toHaveText(/^0(\/s)?$/, { timeout: 20_000 });
  await page.waitForTimeout(25_000);

  // The broker no longer routes globex's events to its queue: the publisher still publishes, the
  // switch is on, and the broker sees nothing for globex.
  await workload.taps.detach('globex');
  await expect(traffic.row('globex')).toHaveAttribute('data-status', 'silent', { timeout: 40_000 });
  await expect(traffic.row('globex').locator('.c-status')).toHaveAttribute(
    'title',
    /^nothing for \d+ s, ~[\d,.]+\/s expected$/,
  );
  expect(workload.publisher!.allowed('globex')).toBe(true);
  await expect(traffic.row('acme')).toHaveAttribute('data-status', 'normal');
  const toast = page
    .getByTestId('alert-toast')
    .filter({ hasText: 'Globex stopped sending with its switch on' });
  await expect(toast).toBeVisible();
  await expect(toast).not.toContainText('Stop publishing');
  await saveScreenshot(page, testInfo, 'broker-silent-tenant');

  await workload.taps.attach('globex');
  await expect(traffic.row('globex')).toHaveAttribute('data-status', 'normal', { timeout: 20_000 });
  // the answer replaces the warning (one topic per tenant)
  await expect(
    page.getByTestId('alert-toast').filter({ hasText: /^.*Globex is sending again: / }),
  ).toBeVisible();
  await expect(toast).toHaveCount(0);
});
