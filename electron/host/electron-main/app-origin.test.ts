import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, isAppUrl, originOf, RENDERER_URL } from './app-origin';

describe('app origin', () => {
  it('recognises our own pages', () => {
    expect(originOf(RENDERER_URL)).toBe(APP_ORIGIN);
    expect(isAppUrl('app://switchboard/electron.html#/traffic')).toBe(true);
    expect(isAppUrl('app://switchboard/assets/x.js')).toBe(true);
  });

  it.each([
    'app://switchboard.evil/electron.html',
    'app://evil/switchboard',
    'app://switchboard@evil/',
    'https://switchboard/',
    'http://127.0.0.1:7410/',
    'file:///etc/passwd',
    'data:text/html,<script>1</script>',
    'javascript:alert(1)',
    'about:blank',
    'other://switchboard/',
    'not a url',
    '',
  ])('treats %s as foreign', (url) => {
    expect(isAppUrl(url)).toBe(false);
  });
});
