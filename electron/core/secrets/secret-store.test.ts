import { describe, expect, it } from 'vitest';
import { checkSecretName, parseSecretsFile, secretEnvVar } from './secret-store';

describe('secrets file', () => {
  it('reads an object of names to strings', () => {
    expect(parseSecretsFile('/s.json', '{"unleash-token":"abc"}')).toEqual({ 'unleash-token': 'abc' });
  });

  it('names the file and field of anything else', () => {
    expect(() => parseSecretsFile('/s.json', '{nope')).toThrow('/s.json: (file): not valid JSON');
    expect(() => parseSecretsFile('/s.json', '[]')).toThrow('(root)');
    expect(() => parseSecretsFile('/s.json', '{"a":1}')).toThrow('/s.json: a: expected a string');
    expect(() => parseSecretsFile('/s.json', '{"a":"x"}', () => 'bad tag')).toThrow('a: bad tag');
  });

  it('refuses names that could smuggle paths or odd characters', () => {
    expect(checkSecretName('ld.token')).toBe('ld.token');
    expect(() => checkSecretName('../etc')).toThrow(/invalid secret name/);
    expect(() => checkSecretName('')).toThrow(/invalid secret name/);
  });

  it('names the environment variable a secret may come from', () => {
    expect(secretEnvVar('production.flagToken')).toBe('SWITCHBOARD_SECRET_PRODUCTION_FLAGTOKEN');
    expect(secretEnvVar('eu-west.rabbitmqPassword')).toBe('SWITCHBOARD_SECRET_EU_WEST_RABBITMQPASSWORD');
    expect(() => secretEnvVar('../x')).toThrow(/invalid secret name/);
  });
});
