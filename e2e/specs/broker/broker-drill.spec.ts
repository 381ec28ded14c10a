import type { Page } from '@playwright/test';
import { memoryUsed, setMemoryWatermark } from '../../../test-services/rabbitmq-instance';
import { expect, test } from '../../fixtures/app.fixture';
import { type BrokerWorkload, startBrokerWorkload } from '../../fixtures/broker-workload';
import { saveScreenshot } from '../../fixtures/screenshots';
import { AuditPage } from '../../pages/audit.page';
import { FlipDialogPage } from '../../pages/flip-dialog.page';
import { TrafficPage } from '../../pages/traffic.page';

test.describe.configure({ mode: 'serial', timeout: 180_000 });

let workload: BrokerWorkload;

// A fresh broker and console for each drill: the incident drill leaves ~100k messages in the tap
// queues, whose memory the broker gives back only over a minute or more (purged or not) — a fall
// that would swamp the leak drill's watermark a few tens of MB above the memory in use.
// biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixtures from this pattern
test.beforeEach(async ({}, testInfo) => {
  const electronTarget = testInfo.project.name === 'electron';
  test.skip(electronTarget, 'Electron target: the broker drill runs once, on the web host');
  workload = await startBrokerWorkload();
});

test.afterEach(async () => {
  await workload?.stop();
});

test('incident drill on a real RabbitMQ: the spike is marked, the tenant is switched off, its publishes at the broker stop while the others continue; a memory alarm that blocks everyone is all traffic down, and its end the recovery', async ({
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

  // Then the original incident: the broker over its memory watermark blocks every publisher. Per
  // tenant a rate of 0 is no spike; the console says that all the traffic is down at once, and when
  // the broker recovers, that the traffic came back (and no tenant reads as a spike against a
  // baseline that learned the zeros).
  await page.getByTestId('nav-traffic').click();
  const fleetDrop = page.getByTestId('fleet-drop-indicator');
  await expect(fleetDrop).toHaveCount(0);
  const inUse = await memoryUsed(workload.rabbit);
  await setMemoryWatermark(workload.rabbit, { absoluteBytes: Math.floor(inUse / 2) });
  try {
    await expect(fleetDrop).toBeVisible({ timeout: 30_000 });
    await expect(page).toHaveTitle(/▼ all traffic down · Switchboard/);
    await expect(traffic.rate('globex')).toHaveText(/^0(\/s)?$/);
    await expect(traffic.row('globex')).toHaveAttribute('data-status', 'normal');
    await expect(
      page.getByTestId('alert-toast').filter({ hasText: /(All 7|[4-6] of 7) tenants down at once/ }),
    ).toBeVisible();
    await saveScreenshot(page, testInfo, 'broker-fleet-drop');
  } finally {
    await setMemoryWatermark(workload.rabbit, 'default');
  }
  await expect(fleetDrop).toHaveCount(0, { timeout: 30_000 });
  // publishers catching up are not judged as spikes for a while, and the table says so
  await expect(page.getByTestId('catching-up-indicator')).toContainText(
    'catching up after the drop · spikes judged in',
  );
  await saveScreenshot(page, testInfo, 'broker-recovered');
  await expect(
    page.getByTestId('alert-toast').filter({ hasText: /^.*Traffic recovered after/ }),
  ).toBeVisible();
  await expect(traffic.rate('globex')).not.toHaveText(/^0(\/s)?$/);
  await expect(traffic.row('globex')).toHaveAttribute('data-status', 'normal');
  await expect(page.getByTestId('overview-chart').getByText('▼ all traffic down')).toBeVisible();
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
  // the header counts it; a click shows only the silent tenants
  await expect(page.getByTestId('header-silent')).toHaveAttribute('data-value', '1');
  await expect(page).toHaveTitle(/^▽ 1 silent · Switchboard/);
  await page.getByTestId('header-silent').click();
  await expect(page.getByTestId('tenant-filter')).toHaveValue('is:silent');
  await expect(page.getByTestId('tenant-count')).toHaveText('1 of 8 tenants');

  await workload.taps.attach('globex');
  await expect(traffic.row('globex')).toHaveAttribute('data-status', 'normal', { timeout: 20_000 });
  await expect(page.getByTestId('header-silent')).toHaveCount(0);
  // the filtered row stays where it is, and the table says it no longer matches
  await expect(page.getByTestId('resort-button')).toBeVisible();
  // the answer replaces the warning (one topic per tenant)
  await expect(
    page.getByTestId('alert-toast').filter({ hasText: /^.*Globex is sending again: / }),
  ).toBeVisible();
  await expect(toast).toHaveCount(0);
});

/**
 * How far above the broker's memory in use the watermark goes for the leak phase. Leak mode opens
 * ~40 channels/s, each costing the broker ~50 KB: memory climbs ~2 MB/s, so the alarm comes ~25 s
 * in — well after the leak warning (~10 s in) and well before the connection's channel_max (2,047,
 * ~50 s in, ~+90 MB) stops the growth. Far above the few MB an idle broker's memory wanders.
 */
const LEAK_ALARM_HEADROOM_BYTES = 50 * 1024 * 1024;

interface Sightings {
  /** performance.now() when the page first showed the leak warning / the memory alarm */
  leakAt?: number;
  alarmAt?: number;
  /** whether the alarm was already on the page when the leak warning first appeared */
  alarmWhenLeakAppeared?: boolean;
}

/**
 * Watch the broker strip from inside the page and note when the leak warning and the alarm first
 * appear — at the DOM change itself, not when a test poll happens to look.
 */
async function watchFirstSightings(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: Sightings = {};
    (window as unknown as { brokerSightings: Sightings }).brokerSightings = seen;
    const look = () => {
      const strip = document.querySelector('[data-testid="broker-strip"]');
      const leak = strip?.querySelector('[data-testid="broker-leak"]') != null;
      const alarm = strip?.querySelector('[data-testid="broker-alarm"]') != null;
      const now = performance.now();
      if (leak && seen.leakAt === undefined) {
        seen.leakAt = now;
        seen.alarmWhenLeakAppeared = alarm;
      }
      if (alarm && seen.alarmAt === undefined) seen.alarmAt = now;
    };
    new MutationObserver(look).observe(document.body, { childList: true, subtree: true });
    look();
  });
}

function firstSightings(page: Page): Promise<Sightings> {
  return page.evaluate(() => ({ ...(window as unknown as { brokerSightings: Sightings }).brokerSightings }));
}

test('channel-leak mode raises the leak warning before any memory alarm: with the watermark just above its memory the leak drives the broker into the alarm, which shows with blocked publishers; restoring clears them', async ({
  page,
}, testInfo) => {
  await page.goto(workload.server.url);
  const strip = page.getByTestId('broker-strip');
  await expect(strip.getByTestId('broker-memory')).toBeVisible({ timeout: 20_000 });
  await expect(strip.getByTestId('broker-alarm')).toHaveCount(0);
  await watchFirstSightings(page);

  let inUse = 0; // bytes; the node reports mem_used from its first stats on
  await expect
    .poll(async () => (inUse = await memoryUsed(workload.rabbit).catch(() => 0)), { timeout: 10_000 })
    .toBeGreaterThan(0);
  let watermarkLowered = true;
  await setMemoryWatermark(workload.rabbit, { absoluteBytes: inUse + LEAK_ALARM_HEADROOM_BYTES });
  try {
    const leakStartedAt = await page.evaluate(() => performance.now());
    await workload.startPublisher({ channelLeak: true });

    // The leak warning first, while the broker is still below its watermark …
    await expect(strip.getByTestId('broker-leak')).toBeVisible({ timeout: 45_000 });
    await expect(strip.getByTestId('broker-alarm')).toHaveCount(0);
    await saveScreenshot(page, testInfo, 'broker-leak');

    // … then the memory alarm the leak itself drives the broker into, and its blocked publisher.
    await expect(strip.getByTestId('broker-alarm')).toContainText(/memory alarm/i, { timeout: 60_000 });
    await expect(strip.getByTestId('broker-blocked')).toContainText(/[1-9]/, { timeout: 30_000 });
    await expect(strip.getByTestId('broker-leak')).toBeVisible();
    await saveScreenshot(page, testInfo, 'broker-leak-then-alarm');

    const seen = await firstSightings(page);
    expect(seen.alarmWhenLeakAppeared).toBe(false);
    expect(seen.leakAt).toBeDefined();
    expect(seen.alarmAt).toBeDefined();
    expect(seen.leakAt!).toBeLessThan(seen.alarmAt!);
    const sinceLeakStart = (at: number) => `${((at - leakStartedAt) / 1000).toFixed(1)} s`;
    testInfo.annotations.push({
      type: 'order',
      description: `watermark ${Math.round(inUse / 1e6)} MB in use + ${LEAK_ALARM_HEADROOM_BYTES / 2 ** 20} MiB; after leak mode started: leak warning at ${sinceLeakStart(seen.leakAt!)}, memory alarm at ${sinceLeakStart(seen.alarmAt!)}`,
    });

    // The traffic chart says why every tenant's rate fell: the warning, then the alarm, marked on it.
    const overview = page.getByTestId('overview-chart');
    await expect(overview.getByText('⚠ channel leak?')).toBeVisible({ timeout: 5_000 });
    await expect(overview.getByText('⚠ memory alarm')).toBeVisible({ timeout: 5_000 });
    await expect(page).toHaveTitle(/^⚠ broker alarm · Switchboard/);

    await page.getByTestId('nav-health').click();
    await expect(page.getByTestId('health-blocked')).toBeVisible();
    await saveScreenshot(page, testInfo, 'broker-memory-alarm');

    await setMemoryWatermark(workload.rabbit, 'default');
    watermarkLowered = false;
    await expect(strip.getByTestId('broker-alarm')).toHaveCount(0, { timeout: 30_000 });
    await expect(strip.getByTestId('broker-blocked')).not.toContainText(/[1-9]/, { timeout: 30_000 });
    // The alarm's critical toast gives way to the news of its end.
    const toasts = page.getByTestId('alert-toast');
    await expect(toasts.filter({ hasText: 'memory alarm cleared' })).toBeVisible({ timeout: 5_000 });
    await expect(toasts.filter({ hasText: 'memory alarm — publishers are blocked' })).toHaveCount(0);
    await page.getByTestId('nav-traffic').click();
    await expect(overview.getByText('✓ memory alarm cleared')).toBeVisible({ timeout: 5_000 });
    await saveScreenshot(page, testInfo, 'broker-alarm-marked');
  } finally {
    // Whatever failed above, the broker gets its watermark back and the leak stops.
    if (watermarkLowered) await setMemoryWatermark(workload.rabbit, 'default');
    await workload.publisher?.stop();
    workload.publisher = null;
  }
});
