import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArgsError, defaultDataDir, parseServeArgs } from './serve-args';

const env = { XDG_DATA_HOME: '/xdg' };

describe('serve arguments', () => {
  it('has defaults', () => {
    expect(parseServeArgs([], env)).toEqual({
      help: false,
      port: 7410,
      ofrepPort: 8016,
      dataDir: '/xdg/switchboard',
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

  it('falls back to ~/.local/share when XDG_DATA_HOME is unset or relative', () => {
    expect(defaultDataDir({}, '/home/op')).toBe(join('/home/op', '.local', 'share', 'switchboard'));
    expect(defaultDataDir({ XDG_DATA_HOME: 'relative' }, '/home/op')).toBe(
      '/home/op/.local/share/switchboard',
    );
  });

  it.each([
    [['--port', '70000'], /--port must be an integer from 0 to 65535, got "70000"/],
    [['--port', '12ab'], /--port must be an integer/],
    [['--port', '-1'], /--port/],
    [['--tenants', '0'], /--tenants must be an integer from 1/],
    [['--tenants', '1.5'], /--tenants/],
    [['--data-dir', ''], /--data-dir must not be empty/],
    [['--bogus'], /Unknown option '--bogus'[\s\S]*Usage:/],
    [['extra'], /positional/i],
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
