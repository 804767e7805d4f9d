// The Manager's REST base URL, apart from the provider: the VS Code layer's Manager runbooks need it, and importing
// it from ovmProvider.ts pulled the provider into the extension bundle (then platforms.js re-exported an undefined
// createOracleVmProvider; build.mjs now refuses a provider in the extension bundle).

/** The Manager's REST base path (vmapi-rest.html §3.1): added when the connection's URL names only the Manager. */
export const OVM_REST_PATH = '/ovm/core/wsapi/rest';

/** `https://manager:7002` → `https://manager:7002/ovm/core/wsapi/rest`; a URL that already has a path is kept. */
export function restBase(url: string): string {
  const u = new URL(url);
  return u.pathname === '/' || u.pathname === '' ? `${u.origin}${OVM_REST_PATH}` : url.replace(/\/+$/, '');
}
