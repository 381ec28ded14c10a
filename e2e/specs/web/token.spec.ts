import { openSocket, postCall } from '../../fixtures/api-client';
import { expect, test } from '../../fixtures/app.fixture';

test.describe('the web host is closed by default', () => {
  test.beforeEach(({ server }) => {
    test.skip(!server, 'Electron target: there is no web host to attack');
  });

  test('every API request needs the per-launch token', async ({ server }) => {
    const s = server!;
    expect((await postCall(s, 'app.info', {}, {})).status).toBe(401);
    expect((await postCall(s, 'app.info', {}, { authorization: `Bearer ${'0'.repeat(64)}` })).status).toBe(
      401,
    );
    expect((await postCall(s, 'app.info', {}, { authorization: s.token })).status).toBe(401);
    const ok = await postCall(s, 'app.info', {});
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ host: 'web' });
    // secrets and the token never travel back in answers
    expect(JSON.stringify(ok.body)).not.toContain(s.token);
  });

  test('the WebSocket needs the token and refuses a foreign Origin', async ({ server }) => {
    const s = server!;
    await expect(openSocket(s, ['sb.v1'])).rejects.toThrow(/401/);
    await expect(openSocket(s, ['sb.v1', `sb.token.${'f'.repeat(64)}`])).rejects.toThrow(/401/);
    await expect(openSocket(s, ['sb.v1', `sb.token.${s.token}`], 'http://evil.example')).rejects.toThrow(
      /403/,
    );
    const foreign = await postCall(
      s,
      'app.info',
      {},
      { authorization: `Bearer ${s.token}`, origin: 'http://evil.example' },
    );
    expect(foreign.status).toBe(403);
    const probe = await openSocket(s, ['sb.v1', `sb.token.${s.token}`]);
    probe.send(JSON.stringify({ type: 'call', id: 1, name: 'app.info', input: {} }));
    expect(await probe.next('result')).toMatchObject({ id: 1, ok: true });
    probe.close();
  });

  test('a page opened without the token cannot load data and says why', async ({ server, page }) => {
    await page.goto(`${server!.origin}/`);
    await expect(page.getByTestId('connection-banner')).toBeVisible();
    await expect(page.getByTestId('connection-banner')).toContainText(/token|unauthori[sz]ed/i);
  });
});
