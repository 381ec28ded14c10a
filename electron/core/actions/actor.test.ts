import { describe, expect, it } from 'vitest';
import { currentActor } from './actor';
import { durationText } from './duration-text';

describe('currentActor', () => {
  it('is the OS user', () => {
    expect(currentActor(() => ({ username: 'dana' }), {})).toBe('dana');
  });

  it('falls back to the environment, then to a visible marker, when the OS has no user entry', () => {
    const noPasswdEntry = () => {
      throw new Error('ENOENT: no such file or directory, uv_os_get_passwd');
    };
    expect(currentActor(noPasswdEntry, { USER: 'root' })).toBe('root');
    expect(currentActor(noPasswdEntry, { USERNAME: 'dana' })).toBe('dana');
    expect(currentActor(noPasswdEntry, {})).toBe('unknown-user');
  });
});

describe('durationText', () => {
  it('says a time box the way people do', () => {
    expect(durationText(15 * 60_000)).toBe('15 min');
    expect(durationText(90 * 60_000)).toBe('1 h 30 min');
    expect(durationText(2 * 3_600_000)).toBe('2 h');
    expect(durationText(7 * 24 * 3_600_000)).toBe('7 d');
  });
});
