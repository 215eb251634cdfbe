import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openers } from '../../../src/login/browser';

const url = 'https://login.example/authorize?a=1&b=2';

test('browser openers: $BROWSER entries first, %s placement, then the platform opener', () => {
  const table: Array<[string | undefined, NodeJS.Platform, string[][]]> = [
    [undefined, 'linux', [['xdg-open', url], ['wslview', url]]],
    ['', 'linux', [['xdg-open', url], ['wslview', url]]],
    [undefined, 'darwin', [['open', url]]],
    [undefined, 'win32', [['rundll32', 'url.dll,FileProtocolHandler', url]]],
    ['firefox', 'linux', [['firefox', url]]],
    ['firefox --new-window:chromium', 'darwin', [['firefox', '--new-window', url], ['chromium', url]]],
    ['w3m %s -dump', 'linux', [['w3m', url, '-dump']]],
    [' : lynx ', 'linux', [['lynx', url]]],
  ];
  for (const [browser, platform, want] of table) assert.deepEqual(openers(url, { BROWSER: browser }, platform), want, `${browser} on ${platform}`);
});
