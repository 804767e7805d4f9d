// Bundles the extension and the CLI with esbuild.
//
// The platforms' providers (their wire clients, transports and record mappings: half of our code) are a bundle of their
// own, dist/platforms.js, required by src/providers/index.ts the first time a connection opens (its `import()` of a
// provider). Every module that the extension bundle holds too is not copied into it: platforms.js takes the extension
// bundle's instance from a registry the extension bundle fills when it loads (one VendorError class, one secrets
// registry, one job model), so nothing exists twice.
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

/** Vendor packages imported by our sources become lazy stubs (see the header); `./vendor/*` stays external. */
const lazyVendor = (vendorDir) => ({
  name: 'lazy-vendor',
  setup(b) {
    const bare = new RegExp(`^(${VENDOR.map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`);
    // Only imports from our sources: a package's own imports stay inside its vendor bundle.
    b.onResolve({ filter: bare }, (a) =>
      a.importer.includes(`${path.sep}node_modules${path.sep}`) ? undefined : { path: a.path, namespace: 'lazy' },
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, (a) => ({
      contents: lazyStub(a.path).replace(/"\.\/vendor\//g, `"${vendorDir}`),
      loader: 'js',
    }));
    b.onResolve({ filter: /^\.\/vendor\// }, (a) => ({ path: a.path, external: true }));
  },
});

/**
 * `vscode` and the Node modules our sources import are each required once, through one ES module that re-exports it:
 * esbuild otherwise wraps the module anew (copying every export) in each of the 30-odd files that import it.
 */
const SHIMMED = /^(vscode|node:[a-z_/]+)$/;
const onceShim = {
  name: 'require-once',
  setup(b) {
    b.onResolve({ filter: SHIMMED }, (a) =>
      a.namespace === 'once' || a.importer.includes(`${path.sep}node_modules${path.sep}`)
        ? undefined
        : { path: a.path, namespace: 'once' },
    );
    b.onResolve({ filter: SHIMMED, namespace: 'once' }, (a) => ({ path: a.path, external: true }));
    b.onLoad({ filter: /.*/, namespace: 'once' }, (a) => ({
      contents: `export * from ${JSON.stringify(a.path)};`,
      loader: 'js',
    }));
  },
};

/**
 * The provider modules src/providers/index.ts imports on first use (its `import('./…')` calls, read from the file so a
 * renamed provider follows); they and what only they need form platforms.js.
 */
const PLATFORM_ENTRIES = Object.fromEntries(
  [...fs.readFileSync('src/providers/index.ts', 'utf8').matchAll(/import\('(\.\/[^']+)'\)/g)].map((m) => [
    m[1],
    `src/providers/${m[1].slice(2)}.ts`,
  ]),
);
if (Object.keys(PLATFORM_ENTRIES).length === 0) throw new Error('src/providers/index.ts imports no provider');
const REGISTRY = `globalThis[Symbol.for('vmbackup.sharedModules')]`;
const rel = (abs) => path.relative(process.cwd(), abs).split(path.sep).join('/');

/** In the extension bundle, the provider modules are `./platforms.js`, required by the `import()` that asks for them. */
const platformsExternal = {
  name: 'platforms-external',
  setup(b) {
    b.onResolve({ filter: /^\.\// }, (a) =>
      a.path in PLATFORM_ENTRIES && a.importer.endsWith(path.join('src', 'providers', 'index.ts'))
        ? { path: './platforms.js', external: true }
        : undefined,
    );
  },
};

/** The extension bundle; `shared`: the modules it registers for platforms.js (relative paths). Returns its inputs. */
async function buildExtension(shared) {
  const entry = [
    ...shared.map((m, i) => `import * as m${i} from ${JSON.stringify('./' + m)};`),
    `const r = (${REGISTRY} ??= Object.create(null));`,
    ...shared.map((m, i) => `r[${JSON.stringify(m)}] = m${i};`),
    `export * from './src/extension';`,
  ].join('\n');
  const r = await build({
    ...common,
    stdin: { contents: entry, resolveDir: process.cwd(), sourcefile: 'extension-entry.ts', loader: 'ts' },
    outfile: 'dist/extension.js',
    format: 'cjs',
    metafile: true,
    plugins: [platformsExternal, onceShim, lazyVendor('./vendor/')],
  });
  return Object.keys(r.metafile.inputs).filter((f) => !f.startsWith('<') && !f.includes(':'));
}

/** platforms.js: the provider modules; what the extension bundle holds comes from its registry. Returns what it took. */
async function buildPlatforms(inExtension) {
  const own = new Set(inExtension.map((f) => path.resolve(f)));
  const taken = new Set();
  await build({
    ...common,
    stdin: {
      contents: Object.entries(PLATFORM_ENTRIES)
        .map(([, file]) => `export * from ${JSON.stringify('./' + file)};`)
        .join('\n'),
      resolveDir: process.cwd(),
      sourcefile: 'platforms-entry.ts',
      loader: 'ts',
    },
    outfile: 'dist/platforms.js',
    format: 'cjs',
    plugins: [
      {
        name: 'shared-modules',
        setup(b) {
          b.onResolve({ filter: /^\./ }, async (a) => {
            if (a.pluginData?.inner || a.importer.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
            const r = await b.resolve(a.path, { resolveDir: a.resolveDir, kind: a.kind, pluginData: { inner: true } });
            if (r.errors.length || !own.has(r.path)) return undefined;
            taken.add(rel(r.path));
            return { path: rel(r.path), namespace: 'shared' };
          });
          b.onLoad({ filter: /.*/, namespace: 'shared' }, (a) => ({
            contents: `const m = (${REGISTRY} || {})[${JSON.stringify(a.path)}];\nif (!m) throw new Error(${JSON.stringify(`dist/platforms.js: ${a.path} is not registered by dist/extension.js`)});\nmodule.exports = m;`,
            loader: 'js',
          }));
        },
      },
      lazyVendor('./vendor/'),
    ],
  });
  return [...taken].sort();
}

// Three passes: the extension alone (what it holds), platforms.js (which of those it imports), the extension again
// registering exactly those. A module the registration adds to the extension bundle is registered already.
const holds = await buildExtension([]);
// A provider module the VS Code layer imports directly would sit in extension.js, and platforms.js would re-export it
// from the registry, where its exports came out undefined ("(intermediate value) is not a function" on connect).
const pulledIn = Object.values(PLATFORM_ENTRIES).filter((f) => holds.includes(f));
if (pulledIn.length)
  throw new Error(
    `extension.js holds ${pulledIn.join(', ')}: import what the VS Code layer needs from a module of its own, not from a provider`,
  );
const shared = await buildPlatforms(holds);
const holdsAfter = await buildExtension(shared);
const again = await buildPlatforms(holdsAfter);
if (again.join() !== shared.join())
  throw new Error(`platforms.js: shared modules changed between passes: ${again} vs ${shared}`);
await build({
  ...common,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.js',
  format: 'cjs',
  banner: { js: '#!/usr/bin/env node' },
});
