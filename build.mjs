// Bundles the extension and the CLI with esbuild.
//
// The extension is split so that activation loads only our own code: every npm package our sources import
// (yaml, ajv, axios, iconv-lite, acorn, …) is bundled on its own into dist/vendor/<package>.js, and the
// extension bundle gets, in its place, a stub whose exports are getters that `require` that file the first
// time one of them is read. esbuild compiles `import { parse } from 'yaml'` to `(0, import_yaml.parse)(…)`
// at the call site, so nothing of a package is read, parsed or run before the code that needs it runs
// (a connection is opened, a config file is validated, a backup is verified). Our own modules stay in one
// bundle, so there is one copy of every class and module-level state. The CLI stays one file (it runs one verb).
import { build } from 'esbuild';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  external: ['vscode', 'cpu-features', './crypto/build/Release/sshcrypto.node', 'zstd-codec'],
}; // zstd-codec: the lab's zstd, loaded from node_modules on first use

/** The npm packages src/ imports (package.json dependencies): each becomes dist/vendor/<name>.js. */
const VENDOR = Object.keys(JSON.parse(fs.readFileSync('package.json', 'utf8')).dependencies);
const vendorFile = (name) => `${name.replace(/[^a-zA-Z0-9-]/g, '_')}.js`;

await build({
  ...common,
  entryPoints: Object.fromEntries(VENDOR.map((name) => [vendorFile(name).slice(0, -3), `vendor-entry:${name}`])),
  outdir: 'dist/vendor',
  format: 'cjs',
  plugins: [
    {
      name: 'vendor-entry',
      setup(b) {
        b.onResolve({ filter: /^vendor-entry:/ }, (a) => ({ path: a.path.slice(13), namespace: 'vendor-entry' }));
        b.onLoad({ filter: /.*/, namespace: 'vendor-entry' }, (a) => ({
          contents: `module.exports = require(${JSON.stringify(a.path)});`,
          resolveDir: process.cwd(),
        }));
      },
    },
  ],
});

/** Export names of each vendor bundle, read once here so the stubs can define their getters without loading it. */
const requireHere = createRequire(import.meta.url);
const shapes = Object.fromEntries(
  VENDOR.map((name) => {
    const m = requireHere(path.resolve('dist/vendor', vendorFile(name)));
    return [name, { keys: Object.keys(m), esModule: m.__esModule === true, callable: typeof m === 'function' }];
  }),
);

/** The stub that stands for a vendor package in the extension bundle (see the header). */
function lazyStub(name) {
  const { keys, esModule, callable } = shapes[name];
  const file = JSON.stringify(`./vendor/${vendorFile(name)}`);
  return [
    `let m; const load = () => (m ??= require(${file}));`,
    // A package whose export is a function (axios): a function that forwards calls and `new`.
    callable
      ? 'const out = function (...a) { return new.target ? Reflect.construct(load(), a) : load().apply(this, a); };'
      : 'const out = {};',
    `for (const k of ${JSON.stringify(keys)}) Object.defineProperty(out, k, { get: () => load()[k], enumerable: true, configurable: true });`,
    esModule ? `Object.defineProperty(out, '__esModule', { value: true });` : '',
    'module.exports = out;',
  ].join('\n');
}

await build({
  ...common,
  entryPoints: ['src/extension.ts'],
  outfile: 'dist/extension.js',
  format: 'cjs',
  plugins: [
    {
      name: 'lazy-vendor',
      setup(b) {
        const bare = new RegExp(`^(${VENDOR.map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`);
        // Only imports from our sources: a package's own imports stay inside its vendor bundle.
        b.onResolve({ filter: bare }, (a) =>
          a.importer.includes(`${path.sep}node_modules${path.sep}`) ? undefined : { path: a.path, namespace: 'lazy' },
        );
        b.onLoad({ filter: /.*/, namespace: 'lazy' }, (a) => ({ contents: lazyStub(a.path), loader: 'js' }));
        b.onResolve({ filter: /^\.\/vendor\// }, (a) => ({ path: a.path, external: true }));
      },
    },
  ],
});
await build({
  ...common,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.js',
  format: 'cjs',
  banner: { js: '#!/usr/bin/env node' },
});
