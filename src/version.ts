// What `kubelogin --version` prints, in the shape Azure/kubelogin's cobra output has.
declare const __KUBELOGIN_VERSION__: string;
declare const __KUBELOGIN_COMMIT__: string;
declare const __KUBELOGIN_BUILD_TIME__: string;

const version = typeof __KUBELOGIN_VERSION__ === 'string' ? __KUBELOGIN_VERSION__ : '0.0.0-dev';
const commit = typeof __KUBELOGIN_COMMIT__ === 'string' ? __KUBELOGIN_COMMIT__ : 'unknown';
const built = typeof __KUBELOGIN_BUILD_TIME__ === 'string' ? __KUBELOGIN_BUILD_TIME__ : 'unknown';
const arch = process.arch === 'x64' ? 'amd64' : process.arch;

export const VERSION_TEXT = `kubelogin version\ngit hash: v${version}/${commit}\nNode version: ${process.version}\nBuild time: ${built}\nPlatform: ${process.platform}/${arch}\n`;
