// Absolute paths into this repository, valid whatever the caller's cwd is.
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const kubeloginBin = path.join(repoRoot, 'bin', 'kubelogin');
export const tsxLoader = path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs');
export const fakeBrowserSh = path.join(repoRoot, 'test', 'helpers', 'fake-browser.sh');
