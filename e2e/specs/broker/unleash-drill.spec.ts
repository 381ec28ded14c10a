import { UnleashGate } from '../../../demo/publisher/unleash-gate';
import { startUnleash, type UnleashInstance } from '../../../test-services/unleash-instance';
import { postCall } from '../../fixtures/api-client';
import { expect, test } from '../../fixtures/app.fixture';
import { type BrokerWorkload, startBrokerWorkload } from '../../fixtures/broker-workload';
import { saveScreenshot } from '../../fixtures/screenshots';
import { constraintsInUnleash } from '../../fixtures/unleash-constraints';
import { AuditPage } from '../../pages/audit.page';
import { FlipDialogPage } from '../../pages/flip-dialog.page';
import { TrafficPage } from '../../pages/traffic.page';

/**
 * The incident drill of the broker issue with Unleash as the flag provider (issue #4): a real
 * RabbitMQ, a real unleash-server, the publisher gated by Unleash's Node SDK (UnleashGate), and the
 * console on an Unleash profile whose per-tenant rates come from the broker.
 */
test.describe.configure({ mode: 'serial', timeout: 300_000 });

const PROFILE = 'unleash-drill';
const ENVIRONMENT = 'production';

let unleash: UnleashInstance;
let gate: UnleashGate;
let workload: BrokerWorkload;

/** Resolves once the tenant's count at the broker holds still from one second to the next. */
async function settled(tenantId: string): Promise<number> {
  let last = -1;
  await expect
    .poll(
      async () => {
        const now = await workload.taps.count(tenantId);
        const still = now === last;
        last = now;
        return still;
      },
      { timeout: 30_000, intervals: [1_000] },
    )
    .toBe(true);
  return last;
}

// biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixtures from this pattern
test.beforeAll(async ({}, testInfo) => {
  const electronTarget = testInfo.project.name === 'electron';
  test.skip(electronTarget, 'Electron target: the Unleash broker drill runs once, on the web host');
  unleash = await startUnleash();
  await unleash.api('POST', '/api/admin/projects/default/features', {
    name: 'publish-events',
    type: 'kill-switch',
  });
  await unleash.api(
    'POST',
    `/api/admin/projects/default/features/publish-events/environments/${ENVIRONMENT}/on`,
  );
  // The publisher reads the flag as a service would: the Node SDK with a backend token.
  const backendToken = await unleash.createToken({
    tokenName: 'drill-publisher',
    type: 'backend',
    environment: ENVIRONMENT,
  });
  gate = new UnleashGate({ url: unleash.url, token: backendToken, appName: 'switchboard-e2e-publisher' });
  expect(await gate.whenReady(30_000)).toBe(true);
  // The console's profile: flags from this Unleash (admin token as the profile secret), rates from
  // the broker. `--rabbitmq` flags would make the transient command-line profile (embedded flags).
  workload = await startBrokerWorkload(8, {
    profile: {
      name: PROFILE,
      flags: {
        kind: 'unleash',
        url: unleash.url,
        project: 'default',
        environment: ENVIRONMENT,
        contextField: 'customerId',
      },
      secrets: { flagToken: unleash.adminToken },
    },
  });
});

test.afterAll(async () => {
  await workload?.stop();
  await gate?.close();
  await unleash?.stop();
});

test('incident drill with Unleash: the spike at the broker is marked, the tenant is switched off in Unleash, the SDK-gated publisher stops it at the broker, and switching it on brings it back', async ({
  page,
}, testInfo) => {
  // Baselines judge a tenant after 20 samples; the spike comes after that.
  await workload.startPublisher({ spikeAfterMs: 28_000, gate });
  expect(gate.state().error).toBeNull();
  await page.goto(workload.server.url);
  const traffic = new TrafficPage(page);
  const flags = page.getByTestId('source-status-flags');
  await expect(flags).toHaveAttribute('data-state', 'ok', { timeout: 30_000 });
  await expect(flags).toHaveAttribute('title', /Unleash/);
  await expect(traffic.row('acme')).toBeVisible({ timeout: 30_000 });
  await expect(traffic.row('globex')).toBeVisible();
  await expect(page.getByTestId('source-status-rabbitmq')).toHaveAttribute('data-state', 'ok', {
    timeout: 30_000,
  });
  await expect(traffic.row('acme')).toHaveAttribute('data-publishing', 'on', { timeout: 30_000 });

  await expect(traffic.row('acme')).toHaveAttribute('data-status', 'spike', { timeout: 90_000 });
  await expect(traffic.row('globex')).not.toHaveAttribute('data-status', 'spike');
  await saveScreenshot(page, testInfo, 'unleash-drill-spike');

  // The operator switches acme off, with a reason.
  await traffic.killSwitch('acme').click();
  const dialog = new FlipDialogPage(page);
  await dialog.confirm('INC-12: acme flood at the broker');
  await expect(dialog.result()).toHaveAttribute('data-outcome', 'applied', { timeout: 30_000 });
  await dialog.close();
  await expect(traffic.row('acme')).toHaveAttribute('data-publishing', 'off', { timeout: 30_000 });

  // Unleash itself holds the exclusion; the publisher's SDK sees it on its next poll.
  expect(await constraintsInUnleash(unleash, ENVIRONMENT)).toContain('NOT_IN acme');
  await expect.poll(() => gate.allowed('acme'), { timeout: 30_000 }).toBe(false);
  expect(workload.publisher!.allowed('acme')).toBe(false);
  expect(gate.allowed('globex')).toBe(true);

  // At the broker: acme's queue stops growing (once in-flight confirms have landed), globex's grows.
  const acmeStopped = await settled('acme');
  const globexBefore = await workload.taps.count('globex');
  await page.waitForTimeout(3_000);
  expect(await workload.taps.count('acme')).toBe(acmeStopped);
  await expect.poll(() => workload.taps.count('globex'), { timeout: 30_000 }).toBeGreaterThan(globexBefore);

  // In the console: acme is marked off and its broker-side rate falls to zero.
  await expect(traffic.row('acme')).toHaveAttribute('data-status', 'off', { timeout: 30_000 });
  await expect(traffic.rate('acme')).toHaveText(/^0(\/s)?$/, { timeout: 30_000 });
  await expect(traffic.rate('globex')).not.toHaveText(/^0(\/s)?$/);
  await saveScreenshot(page, testInfo, 'unleash-drill-switched-off');

  // The audit trail: Switchboard's entry, written through the Unleash provider, and Unleash's own log.
  const audit = new AuditPage(page);
  await audit.open();
  await expect(audit.rows('acme')).toHaveCount(1, { timeout: 30_000 });
  await expect(audit.rows('acme').first()).toContainText('INC-12: acme flood at the broker');
  await expect(audit.rows('acme').first()).toHaveAttribute('data-outcome', 'applied');
  // Unleash's own record of the change is merged into that row, not repeated beside it
  await expect(audit.rows('acme').first()).toHaveAttribute('data-recorded-by', 'unleash', {
    timeout: 30_000,
  });
  await expect(audit.providerRows().filter({ hasText: 'INC-12' })).toHaveCount(0);
  await saveScreenshot(page, testInfo, 'unleash-drill-audit');
  const entries = await postCall(workload.server, 'audit.query', { tenantId: 'acme' });
  expect(entries.status).toBe(200);
  expect(entries.body).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        tenantId: 'acme',
        flagKey: 'publish-events',
        value: false,
        provider: 'unleash',
        outcome: 'applied',
        reason: 'INC-12: acme flood at the broker',
      }),
    ]),
  );

  // Switch acme back on: Unleash drops the exclusion, the SDK allows it, its count grows again.
  await traffic.open();
  await traffic.killSwitch('acme').click();
  await dialog.confirm('INC-12 resolved');
  await expect(dialog.result()).toHaveAttribute('data-outcome', 'applied', { timeout: 30_000 });
  await dialog.close();
  await expect(traffic.row('acme')).toHaveAttribute('data-publishing', 'on', { timeout: 30_000 });
  expect((await constraintsInUnleash(unleash, ENVIRONMENT)).join(' ')).not.toContain('acme');
  await expect.poll(() => gate.allowed('acme'), { timeout: 30_000 }).toBe(true);
  await expect.poll(() => workload.taps.count('acme'), { timeout: 30_000 }).toBeGreaterThan(acmeStopped);
  await expect(traffic.rate('acme')).not.toHaveText(/^0(\/s)?$/, { timeout: 30_000 });
});
