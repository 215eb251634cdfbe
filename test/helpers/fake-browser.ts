// `$BROWSER` for tests: `fake-browser.sh <url>` signs in through the emulator's authorize endpoint and posts the
// result to the plugin's loopback listener. Trusts NODE_EXTRA_CA_CERTS. Appends each URL to $FAKE_BROWSER_LOG.
import fs from 'node:fs';
import { completeAuthorize } from './browser';

async function main(): Promise<number> {
  const url = process.argv.slice(2).find((a) => /^https?:\/\//.test(a));
  if (!url) {
    process.stderr.write('fake-browser: no URL given\n');
    return 2;
  }
  if (process.env.FAKE_BROWSER_LOG) fs.appendFileSync(process.env.FAKE_BROWSER_LOG, `${url}\n`);
  const res = await completeAuthorize(url);
  if (res.status >= 400) {
    process.stderr.write(`fake-browser: redirect target answered ${res.status}: ${res.text.slice(0, 200)}\n`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`fake-browser: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
