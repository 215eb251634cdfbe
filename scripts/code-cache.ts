// Build step (scripts/build.mjs): runs one cache hit through dist/main.cjs the way bin/kubelogin
// loads it, then saves V8's code cache for it as dist/main.cjs.cache (32-byte build id + V8 data),
// so later hits skip parsing and compiling the bundle. Runs in its own process, with a temporary HOME.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { quickParse } from '../src/cli/argv';
import { resolveTokenOptions } from '../src/cli/options';
import { cacheKey, identityFor } from '../src/cache/key';
import { tokenFilePath } from '../src/cache/token-file';

const [file, buildId] = process.argv.slice(2);
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelogin-code-cache-'));
process.on('exit', () => fs.rmSync(home, { recursive: true, force: true }));
const env = { HOME: home };
const args = ['--server-id', '6dae42f8-4368-4678-94ff-3960e28e3630', '--client-id', '80faf920-1908-4b52-b5ef-a8e7bedfc67a', '--tenant-id', 'common', '--login', 'devicecode'];
const options = resolveTokenOptions(quickParse(args)!.flags, env).options;
const tokenFile = tokenFilePath(options.cacheDir, cacheKey(identityFor(options, env)));
fs.mkdirSync(path.dirname(tokenFile), { recursive: true, mode: 0o700 });
fs.writeFileSync(tokenFile, JSON.stringify({ v: 1, token: 'code-cache-training', expiresOn: Date.now() + 3600_000 }), { mode: 0o600 });

process.env = env;
process.argv = [process.argv[0], file, 'get-token', ...args];
const source = fs.readFileSync(file, 'utf8');
const Module = module.constructor as unknown as { wrap(s: string): string };
const script = new vm.Script(Module.wrap(source), { filename: file });
const fakeModule = { exports: {} };
script.runInThisContext().call(fakeModule.exports, fakeModule.exports, require, fakeModule, file, path.dirname(file));
process.on('exit', (code) => {
  if (code !== 0) return;
  fs.writeFileSync(file + '.cache', Buffer.concat([Buffer.from(buildId, 'latin1'), script.createCachedData()]));
});
