import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startUnleash, type UnleashInstance } from '../../../test-services/unleash-instance';
import { expect, test } from '../../fixtures/app.fixture';
import { type ConsoleServer, startConsoleServer } from '../../fixtures/console-server';
import { saveScreenshot } from '../../fixtures/screenshots';
import { constraintsInUnleash } from '../../fixtures/unleash-constraints';
import { AuditPage } from '../../pages/audit.page';
import { FlipDialogPage } from '../../pages/flip-dialog.page';
import { TrafficPage } from '../../pages/traffic.page';

test.describe.configure({ mode: 'serial', timeout: 180_000 });

let unleash: UnleashInstance;
let server: ConsoleServer;
let dataDir: string | undefined;

// biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixtures from this pattern
test.beforeAll(async ({}, testInfo) => {
  const electronTarget = testInfo.project.name === 'electron';
  test.skip(electronTarget, 'Electron target: the Unleash drill runs once, on the web host');
  unleash = await startUnleash();
  await unleash.api('POST', '/api/admin/projects/default/features', {
    name: 'publish-events',
    type: 'kill-switch',
  });
  await unleash.api('POST', '/api/admin/projects/default/features/publish-events/environments/production/on');
  dataDir = await mkdtemp(join(tmpdir(), 'switchboard-unleash-e2e-'));
  const profile = {
    name: 'unleash-prod',
    production: false,
    readOnly: false,
    flags: {
      kind: 'unleash',
      url: unleash.url,
      project: 'default',
      environment: 'production',
      contextField: 'customerId',
    },
    sources: [{ kind: 'simulated', tenants: 20, spikeAfterMs: null }],
  };
  await writeFile(
    join(dataDir, 'profiles.json'),
    JSON.stringify({ active: 'unleash-prod', profiles: [profile] }),
  );
  // The web host reads profile secrets from SWITCHBOARD_SECRET_<profile>_<secret> (or a 0600 file).
  server = await startConsoleServer({
    dataDir,
    spikeAfterSec: null,
    env: { SWITCHBOARD_SECRET_UNLEASH_PROD_FLAGTOKEN: unleash.adminToken },
  });
});

test.afterAll(async () => {
  await server?.stop();
  await unleash?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

test('the console drives a real Unleash: switch a tenant off and on from the UI, see it in Unleash and in the audit view', async ({
  page,
}, testInfo) => {
  await page.goto(server.url);
  const traffic = new TrafficPage(page);
  await expect(page.getByTestId('source-status-flags')).toHaveAttribute('data-state', 'ok', {
    timeout: 20_000,
  });
  await expect(page.getByTestId('source-status-flags')).toHaveAttribute('title', /Unleash/);
  await expect(traffic.row('acme')).toHaveAttribute('data-publishing', 'on', { timeout: 20_000 });

  await traffic.killSwitch('acme').click();
  const dialog = new FlipDialogPage(page);
  await dialog.confirm('INC-11: acme over its limit');
  await expect(dialog.result()).toHaveAttribute('data-outcome', 'applied', { timeout: 20_000 });
  await dialog.close();
  await expect(traffic.row('acme')).toHaveAttribute('data-publishing', 'off');
  expect(await constraintsInUnleash(unleash, 'production')).toContain('NOT_IN acme');
  await saveScreenshot(page, testInfo, 'unleash-switched-off');

  await traffic.killSwitch('acme').click();
  await dialog.confirm('INC-11 resolved');
  await expect(dialog.result()).toHaveAttribute('data-outcome', 'applied', { timeout: 20_000 });
  await dialog.close();
  await expect(traffic.row('acme')).toHaveAttribute('data-publishing', 'on');
  expect((await constraintsInUnleash(unleash, 'production')).join(' ')).not.toContain('acme');

  const audit = new AuditPage(page);
  await audit.open();
  await expect(audit.rows('acme')).toHaveCount(2);
  await expect(audit.rows('acme').first()).toContainText('INC-11 resolved');
  await expect(audit.rows('acme').nth(1)).toContainText('INC-11: acme over its limit');
  // the reason reached Unleash's own event log too
  const events = await unleash.api<{ events: { data?: unknown }[] }>(
    'GET',
    '/api/admin/search/events?feature=IS:publish-events',
  );
  expect(JSON.stringify(events)).toContain('INC-11: acme over its limit');
  // Unleash's log is merged into the audit view: its records of our two changes are shown once, as
  // our rows noted "also in Unleash's log", never as rows of their own
  for (const row of [audit.rows('acme').first(), audit.rows('acme').nth(1)]) {
    await expect(row).toHaveAttribute('data-recorded-by', 'unleash', { timeout: 20_000 });
    await expect(audit.source(row)).toHaveText('Switchboard');
    await expect(row.getByTestId('provider-record')).toHaveText("also in Unleash's log");
  }
  await expect(audit.providerRows().filter({ hasText: 'INC-11' })).toHaveCount(0);
  // what Switchboard did not do is Unleash's row: the flag enabled when the test set Unleash up
  await expect(audit.providerRows('unleash').filter({ hasText: 'enabled publish-events' })).toHaveCount(1);
  await saveScreenshot(page, testInfo, 'unleash-audit-merged');

  // The tenant panel's audit: the same merged timeline, narrowed to acme
  await audit.rows('acme').first().getByRole('button').first().click();
  const detail = page.getByTestId('tenant-detail');
  await expect(detail).toHaveAttribute('data-tenant', 'acme');
  await expect(detail.getByTestId('tenant-audit-row')).toHaveCount(2);
  await expect(detail.getByTestId('tenant-audit-row').first()).toHaveAttribute('data-recorded-by', 'unleash');
  await expect(detail.getByTestId('tenant-audit-row').first()).toContainText("also in Unleash's log");
  await expect(detail.getByTestId('tenant-provider-row')).toHaveCount(0);
  await saveScreenshot(page, testInfo, 'unleash-tenant-audit');
});

test('an edit made directly in Unleash shows up in the audit view, marked as coming from Unleash, without a profile switch', async ({
  page,
}, testInfo) => {
  await page.goto(server.url);
  await expect(page.getByTestId('source-status-flags')).toHaveAttribute('data-state', 'ok', {
    timeout: 20_000,
  });
  const audit = new AuditPage(page);
  await audit.open();
  await expect(audit.rows('acme')).toHaveCount(2);
  const direct = audit.providerRows('unleash').filter({ hasText: 'checkout-v2' });
  await expect(direct).toHaveCount(0);

  // someone creates a flag and turns it on in Unleash itself, while the audit view is open
  await unleash.api('POST', '/api/admin/projects/default/features', { name: 'checkout-v2', type: 'release' });
  await unleash.api('POST', '/api/admin/projects/default/features/checkout-v2/environments/production/on');

  const enabled = direct.filter({ hasText: 'enabled' });
  await expect(enabled).toHaveCount(1, { timeout: 20_000 });
  await expect(audit.source(enabled)).toHaveText('Unleash');
  await expect(enabled).toHaveAttribute('data-source', 'unleash');
  // interleaved by time: Unleash's newest edit is above Switchboard's earlier entries
  await expect(
    page.locator('[data-testid="audit-row"], [data-testid="provider-history-row"]').first(),
  ).toContainText('checkout-v2');
  // the filter box narrows both kinds of rows
  await audit.filter().fill('checkout-v2');
  await expect(audit.rows()).toHaveCount(0);
  // created, then enabled (Unleash may log the default strategy it adds as well)
  await expect.poll(() => direct.count()).toBeGreaterThanOrEqual(2);
  await audit.filter().fill('INC-11');
  await expect(audit.rows('acme')).toHaveCount(2);
  await expect(audit.providerRows()).toHaveCount(0);
  await audit.filter().fill('');
  await saveScreenshot(page, testInfo, 'unleash-audit-direct-edit');
});
