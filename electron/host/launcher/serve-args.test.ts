import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArgsError, consoleCoreOptions, parseServeArgs, SERVE_USAGE, START_USAGE } from './serve-args';

const env = { XDG_CONFIG_HOME: '/xdg' };

describe('serve arguments', () => {
  it('has defaults', () => {
    expect(parseServeArgs([], env)).toEqual({
      help: false,
      port: 7410,
      ofrepPort: 8016,
      dataDir: '/xdg/Switchboard',
      tenants: 50,
      spikeAfterMs: 30_000,
      sources: undefined,
      ofrepToken: undefined,
      ofrepCorsOrigins: [],
    });
  });

  it('reads every option', () => {
    const args = parseServeArgs(
      ['--port', '0', '--ofrep-port=0', '--data-dir', 'rel/dir', '--tenants', '10000', '--no-spike'],
      env,
    );
    expect(args).toEqual({
      help: false,
      port: 0,
      ofrepPort: 0,
      dataDir: resolve('rel/dir'),
      tenants: 10_000,
      spikeAfterMs: null,
      sources: undefined,
      ofrepToken: undefined,
      ofrepCorsOrigins: [],
    });
  });

  it('takes the OFREP token from the flag or SWITCHBOARD_OFREP_TOKEN, the flag winning', () => {
    expect(parseServeArgs(['--ofrep-token', 'from-flag'], env)).toMatchObject({ ofrepToken: 'from-flag' });
    const withEnv = { ...env, SWITCHBOARD_OFREP_TOKEN: 'from-env' };
    expect(parseServeArgs([], withEnv)).toMatchObject({ ofrepToken: 'from-env' });
    expect(parseServeArgs(['--ofrep-token=from-flag'], withEnv)).toMatchObject({ ofrepToken: 'from-flag' });
    expect(parseServeArgs([], { ...env, SWITCHBOARD_OFREP_TOKEN: '' })).toMatchObject({
      ofrepToken: undefined,
    });
  });

  it('collects --ofrep-cors-origin, repeatable, as exact origins', () => {
    const args = parseServeArgs(
      ['--ofrep-cors-origin', 'http://localhost:5173/', '--ofrep-cors-origin=https://app.example.test'],
      env,
    );
    expect(args).toMatchObject({ ofrepCorsOrigins: ['http://localhost:5173', 'https://app.example.test'] });
  });

  it('answers --help', () => {
    expect(parseServeArgs(['--help'], env)).toEqual({ help: true });
  });

  it('takes the knobs the desktop app is given from SWITCHBOARD_* variables, a flag winning', () => {
    const knobs = {
      ...env,
      SWITCHBOARD_TENANTS: '200',
      SWITCHBOARD_SPIKE_AFTER: '12',
      SWITCHBOARD_OFREP_PORT: '0',
      SWITCHBOARD_OFREP_CORS_ORIGINS: 'http://localhost:5173, https://flags.example.test/',
    };
    expect(parseServeArgs([], knobs)).toMatchObject({
      tenants: 200,
      spikeAfterMs: 12_000,
      ofrepPort: 0,
      ofrepCorsOrigins: ['http://localhost:5173', 'https://flags.example.test'],
    });
    expect(
      parseServeArgs(
        [
          '--tenants',
          '7',
          '--spike-after',
          '3',
          '--ofrep-port',
          '9000',
          '--ofrep-cors-origin',
          'http://a.test',
        ],
        knobs,
      ),
    ).toMatchObject({
      tenants: 7,
      spikeAfterMs: 3_000,
      ofrepPort: 9000,
      ofrepCorsOrigins: ['http://a.test'],
    });
    expect(parseServeArgs([], { ...env, SWITCHBOARD_SPIKE_AFTER: 'off' })).toMatchObject({
      spikeAfterMs: null,
    });
    expect(parseServeArgs(['--no-spike'], knobs)).toMatchObject({ spikeAfterMs: null });
  });

  it.each([
    [
      { SWITCHBOARD_TENANTS: 'lots' },
      /^SWITCHBOARD_TENANTS must be an integer from 1 to 100000, got "lots"$/,
    ],
    [{ SWITCHBOARD_OFREP_PORT: '70000' }, /^SWITCHBOARD_OFREP_PORT must be an integer/],
    [{ SWITCHBOARD_SPIKE_AFTER: 'soon' }, /^SWITCHBOARD_SPIKE_AFTER must be an integer/],
    [{ SWITCHBOARD_OFREP_TOKEN: 'has space' }, /^SWITCHBOARD_OFREP_TOKEN/],
    [{ SWITCHBOARD_OFREP_CORS_ORIGINS: '*' }, /^SWITCHBOARD_OFREP_CORS_ORIGINS: /],
  ])('refuses a malformed %j by the variable name', (variables, message) => {
    expect(() => parseServeArgs([], { ...env, ...variables })).toThrow(message);
  });

  it('gives the core what the command line says', () => {
    const args = parseServeArgs(
      ['--rabbitmq', 'http://127.0.0.1:15672', '--tenants', '9', '--data-dir', '/d'],
      env,
    );
    if (args.help) throw new Error('not help');
    expect(consoleCoreOptions(args, 'electron')).toEqual({
      dataDir: '/d',
      host: 'electron',
      tenants: 9,
      ofrepPort: 8016,
      ofrepToken: undefined,
      ofrepCorsOrigins: [],
      spikeAfterMs: 30_000,
      sources: [expect.objectContaining({ kind: 'rabbitmq', url: 'http://127.0.0.1:15672' })],
    });
  });

  it('says what npm start does in its usage', () => {
    expect(START_USAGE).toMatch(/^Usage: npm start -- \[options\]/);
    expect(START_USAGE).toContain('--rabbitmq <url>');
    expect(START_USAGE).toMatch(/--no-sandbox, --disable-gpu/);
    expect(SERVE_USAGE).not.toMatch(/--no-sandbox/);
  });

  it.each([
    [['--port', '70000'], /--port must be an integer from 0 to 65535, got "70000"/],
    [['--port', '12ab'], /--port must be an integer/],
    [['--port', '-1'], /--port/],
    [['--tenants', '0'], /--tenants must be an integer from 1/],
    [['--tenants', '1.5'], /--tenants/],
    [['--data-dir', ''], /--data-dir must not be empty/],
    [['--bogus'], /^unknown option --bogus \(--help lists the options\)$/],
    [['extra'], /^unexpected argument "extra": every option starts with -- \(--help lists the options\)$/],
    [['--port'], /--port/],
    [['--ofrep-token', ''], /--ofrep-token must not be empty/],
    [['--ofrep-token', 'two words'], /--ofrep-token may only contain visible ASCII/],
    [['--ofrep-cors-origin', '*'], /--ofrep-cors-origin: "\*" is not an origin/],
    [['--ofrep-cors-origin', 'http://localhost:5173/app'], /--ofrep-cors-origin: .*scheme:\/\/host/],
    [['--ofrep-cors-origin', 'file:///tmp/x'], /--ofrep-cors-origin/],
  ])('rejects %j clearly', (argv, message) => {
    expect(() => parseServeArgs(argv, env)).toThrow(ArgsError);
    expect(() => parseServeArgs(argv, env)).toThrow(message);
  });
});
