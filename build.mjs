// Bundles the extension and the CLI with esbuild.
import { build } from 'esbuild';
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  external: ['vscode', 'cpu-features', './crypto/build/Release/sshcrypto.node', 'zstd-codec'],
}; // zstd-codec: the lab's zstd, loaded from node_modules on first use
await build({ ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', format: 'cjs' });
await build({
  ...common,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.js',
  format: 'cjs',
  banner: { js: '#!/usr/bin/env node' },
});
