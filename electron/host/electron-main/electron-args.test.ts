import { describe, expect, it } from 'vitest';
import { consoleArgs, electronLaunch } from './electron-args';

const env = { XDG_CONFIG_HOME: '/cfg' };

describe('the Electron app’s command line', () => {
  it('picks the console’s options out of Electron’s and Chromium’s', () => {
    expect(
      consoleArgs([
        '--inspect=0',
        '--remote-debugging-port',
        '9222',
        '/app/dist/electron/main.cjs',
        '--data-dir=/tmp/a',
        '--no-sandbox',
        '--rabbitmq',
        'http://127.0.0.1:15672',
        '--tenants',
        '7',
        '--no-spike',
      ]),
    ).toEqual(['--data-dir=/tmp/a', '--rabbitmq', 'http://127.0.0.1:15672', '--tenants', '7', '--no-spike']);
  });

  it('finds the console’s options after the switches npm start puts before the app’s path', () => {
    expect(
      electronLaunch(
        ['/opt/electron', '--no-sandbox', '--ozone-platform=wayland', '/app/main.cjs', '--tenants', '9'],
        env,
      ),
    ).toMatchObject({ kind: 'run', args: { tenants: 9 } });
  });

  it('runs with what npm start was given, parsed as npm run serve parses it', () => {
    const launch = electronLaunch(
      ['/opt/electron', '/app/main.cjs', '--rabbitmq', 'http://guest@127.0.0.1:15672', '--data-dir', 'rel'],
      { ...env, SWITCHBOARD_TENANTS: '12', SWITCHBOARD_RABBITMQ_PASSWORD: 'pw' },
    );
    expect(launch).toMatchObject({
      kind: 'run',
      args: {
        dataDir: expect.stringMatching(/^\/.*\/rel$/),
        tenants: 12,
        sources: [{ kind: 'rabbitmq', url: 'http://guest@127.0.0.1:15672', password: 'pw' }],
      },
    });
  });

  it('defaults to the shared data directory', () => {
    expect(electronLaunch(['/opt/electron', '/app/main.cjs'], env)).toMatchObject({
      kind: 'run',
      args: { dataDir: '/cfg/Switchboard', sources: undefined },
    });
  });

  it('answers --help and refuses a malformed value of its own options', () => {
    expect(electronLaunch(['/opt/electron', '/app/main.cjs', '--help'], env)).toEqual({ kind: 'help' });
    expect(electronLaunch(['/opt/electron', '/app/main.cjs', '--tenants', 'lots'], env)).toEqual({
      kind: 'invalid',
      message: '--tenants must be an integer from 1 to 100000, got "lots"',
    });
    expect(electronLaunch(['/opt/electron', '/app/main.cjs', '--ofrep-port'], env)).toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(/--ofrep-port/),
    });
  });
});
