import { createServer } from 'node:net';
import { expect, test } from '../../fixtures/app.fixture';
import { saveScreenshot } from '../../fixtures/screenshots';

/** A port nothing listens on: taken, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const port = await closedPort();
test.use({
  consoleOptions: {
    spikeAfterSec: null,
    extraArgs: ['--rabbitmq', `http://guest:guest@127.0.0.1:${port}`, '--simulated'],
  },
});

test('a management API that is down is shown as a source problem, with the reason, and the password never reaches the page', async ({
  app,
  server,
}, testInfo) => {
  test.skip(!server, 'Electron target: source options come from the web host flags here');
  const status = app.getByTestId('source-status-rabbitmq');
  await expect(status).toHaveAttribute('data-state', 'down', { timeout: 20_000 });
  await expect(status).toHaveAttribute('title', /refused|connect/i);
  expect(await app.content()).not.toContain('guest:guest');
  // the simulated workload beside it keeps the table alive
  await expect(app.getByTestId('tenant-row-acme')).toBeVisible();
  await saveScreenshot(app, testInfo, 'source-down');
});
