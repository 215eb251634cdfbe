import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bypassesProxy, proxyFor } from '../../../src/platform/proxy-choice';

test('NO_PROXY: names, suffixes, wildcards, ports, IP addresses and CIDR blocks (IPv4 and IPv6)', () => {
  const table: Array<[url: string, noProxy: string, bypass: boolean]> = [
    ['https://login.microsoftonline.com/t', '', false],
    ['https://login.microsoftonline.com/t', '*', true],
    ['https://login.microsoftonline.com/t', 'microsoftonline.com', true],
    ['https://login.microsoftonline.com/t', '.microsoftonline.com', true],
    ['https://login.microsoftonline.com/t', '*.microsoftonline.com', true],
    ['https://login.microsoftonline.com/t', 'online.com', false],
    ['https://login.microsoftonline.com/t', 'LOGIN.MicrosoftOnline.com', true],
    ['https://login.microsoftonline.com/t', 'example.com, login.microsoftonline.com:443', true],
    ['https://login.microsoftonline.com/t', 'login.microsoftonline.com:8443', false],
    ['https://10.1.2.3:8443/t', '10.0.0.0/8', true],
    ['https://10.1.2.3/t', '10.0.0.0/8:443', true],
    ['https://11.1.2.3/t', '10.0.0.0/8', false],
    ['https://192.168.7.9/t', 'localhost 192.168.0.0/16', true],
    ['https://172.20.0.1/t', '172.16.0.0/12', true],
    ['https://172.32.0.1/t', '172.16.0.0/12', false],
    ['https://10.1.2.3/t', '10.1.2.3', true],
    ['https://10.1.2.4/t', '10.1.2.3', false],
    ['https://[fd00::1]/t', 'fd00::/8', true],
    ['https://[fe80::1]/t', 'fd00::/8', false],
    ['https://[::1]:8443/t', '::1', true],
    ['https://[::1]:8443/t', '[::1]:8443', true],
    ['https://[::1]:8443/t', '[::1]:9443', false],
    ['https://10.1.2.3/t', 'fd00::/8', false],
    ['https://ten.example/t', '10.0.0.0/8', false],
    ['https://10.1.2.3/t', '10.0.0.0/99', false],
  ];
  for (const [url, noProxy, bypass] of table) assert.equal(bypassesProxy(new URL(url), noProxy), bypass, `${url} NO_PROXY=${noProxy}`);
});

test('proxy choice: lower-case names win, https falls back to HTTP_PROXY, http never uses HTTPS_PROXY, host:port means http://', () => {
  const url = new URL('https://login.microsoftonline.com/t');
  assert.equal(proxyFor(url, {}), undefined);
  assert.equal(proxyFor(url, { HTTPS_PROXY: 'http://a:3128' }), 'http://a:3128');
  assert.equal(proxyFor(url, { HTTPS_PROXY: 'http://a:3128', https_proxy: 'http://b:3128' }), 'http://b:3128');
  assert.equal(proxyFor(url, { HTTP_PROXY: 'http://c:3128' }), 'http://c:3128');
  assert.equal(proxyFor(url, { HTTPS_PROXY: 'proxy.corp:8080' }), 'http://proxy.corp:8080');
  assert.equal(proxyFor(new URL('http://169.254.169.254/x'), { HTTPS_PROXY: 'http://a:3128' }), undefined);
  assert.equal(proxyFor(url, { HTTPS_PROXY: 'http://a:3128', NO_PROXY: '.microsoftonline.com' }), undefined);
  assert.equal(proxyFor(url, { HTTPS_PROXY: 'http://a:3128', no_proxy: 'example.com', NO_PROXY: '*' }), 'http://a:3128');
  assert.equal(proxyFor(new URL('https://10.0.0.4/t'), { HTTPS_PROXY: 'http://a:3128', NO_PROXY: '10.0.0.0/8' }), undefined);
});
