import { describe, expect, it } from 'vitest';
import { defaultDataDir, formerDataDirNotice } from './data-dir';

describe('the default data directory, shared by both hosts', () => {
  it.each([
    ['linux', {}, '/home/op/.config/Switchboard'],
    ['linux', { XDG_CONFIG_HOME: '/cfg' }, '/cfg/Switchboard'],
    // a relative XDG_CONFIG_HOME is invalid (XDG spec) and ignored
    ['linux', { XDG_CONFIG_HOME: 'cfg' }, '/home/op/.config/Switchboard'],
    ['freebsd', {}, '/home/op/.config/Switchboard'],
    ['darwin', { XDG_CONFIG_HOME: '/cfg' }, '/home/op/Library/Application Support/Switchboard'],
    ['win32', { APPDATA: 'C:\\Users\\op\\AppData\\Roaming' }, 'C:\\Users\\op\\AppData\\Roaming\\Switchboard'],
  ] as const)('on %s with %j is %s', (platform, env, expected) => {
    const home = platform === 'win32' ? 'C:\\Users\\op' : '/home/op';
    expect(defaultDataDir(env, home, platform)).toBe(expected);
  });

  it('on Windows without APPDATA falls back to the roaming folder in the home directory', () => {
    expect(defaultDataDir({}, 'C:\\Users\\op', 'win32')).toBe('C:\\Users\\op\\AppData\\Roaming\\Switchboard');
  });
});

describe('data left in the web host’s former default', () => {
  const former = '/home/op/.local/share/switchboard';
  const now = '/home/op/.config/Switchboard';

  it('is pointed out while the shared default does not exist yet', () => {
    const notice = formerDataDirNotice(now, {}, (path) => path === former, '/home/op');
    expect(notice).toBe(
      `switchboard: data from an earlier version is in ${former}; the console now uses ${now} (shared with the desktop app) — move it there, or pass --data-dir ${former}`,
    );
    expect(
      formerDataDirNotice(
        now,
        { XDG_DATA_HOME: '/data' },
        (path) => path === '/data/switchboard',
        '/home/op',
      ),
    ).toMatch(/earlier version is in \/data\/switchboard;/);
  });

  it('is not mentioned once the shared default exists, or when there is none', () => {
    expect(formerDataDirNotice(now, {}, () => true, '/home/op')).toBeNull();
    expect(formerDataDirNotice(now, {}, () => false, '/home/op')).toBeNull();
  });
});
