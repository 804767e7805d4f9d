// Bundles the extension and the CLI with esbuild.
//
// Activation compiles only what the first tree paint needs (dist/extension.js). The rest is in bundles required on
// first use (LAZY below): the providers with their wire clients and transports (dist/platforms.js), the command
// handlers (dist/commands.js), the language support (dist/language.js). Every module the extension bundle holds is not
// copied into them: they take the extension bundle's instance from a registry it fills when it loads (one VendorError
// class, one secrets registry, one job model), so nothing exists twice.
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
 * The bundles loaded on first use. A dynamic `import()` in our sources of a file under one of `under` makes that file
 * an entry of dist/<name>.js; in the importing bundle the `import()` becomes `require('./<name>.js').modules[file]`,
 * so nothing of it is read before the code that asks for it runs:
 * - platforms: the providers, their wire clients and transports (src/providers/index.ts loads one when a connection
 *   opens; the VCB sessions when a VCB host is first used);
 * - commands: every command's handler (src/commands/registerCommands.ts registers stubs, the first command loads them);
 * - language: diagnostics, completion, hover, quick fixes, detection (src/language/onDemand.ts, on the first document
 *   of our languages).
 */
const LAZY = [
  { name: 'platforms', under: ['src/providers/', 'src/transport/'] },
  { name: 'language', under: ['src/language/'] },
  { name: 'commands', under: ['src/commands/'] },
];
/** Each lazy bundle's entries (relative paths), found by the builds' `import()`s; they only grow. */
const entries = Object.fromEntries(LAZY.map((l) => [l.name, new Set()]));
const REGISTRY = `globalThis[Symbol.for('vmbackup.sharedModules')]`;
const rel = (abs) => path.relative(process.cwd(), abs).split(path.sep).join('/');
const inNodeModules = (file) => file.includes(`${path.sep}node_modules${path.sep}`);
/** Our own modules among a build's inputs (not plugin namespaces, not npm packages). */
const ownInputs = (metafile) =>
  Object.keys(metafile.inputs).filter((f) => !f.startsWith('<') && !f.includes(':') && !f.includes('node_modules/'));

/** A dynamic `import()` of a lazy bundle's file is answered by that bundle (see LAZY). */
const lazyImports = {
  name: 'lazy-imports',
  setup(b) {
    b.onResolve({ filter: /^\.\/\w+\.js$/, namespace: 'lazy-bundle' }, (a) => ({ path: a.path, external: true }));
    b.onResolve({ filter: /^\./ }, async (a) => {
      if (a.kind !== 'dynamic-import' || a.pluginData?.inner || inNodeModules(a.importer)) return undefined;
      const r = await b.resolve(a.path, { resolveDir: a.resolveDir, kind: a.kind, pluginData: { inner: true } });
      if (r.errors.length) return undefined;
      const file = rel(r.path);
      const lazy = LAZY.find((l) => l.under.some((u) => file.startsWith(u)));
      if (!lazy) return undefined;
      entries[lazy.name].add(file);
      return { path: file, namespace: 'lazy-bundle', pluginData: { bundle: lazy.name } };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-bundle' }, (a) => ({
      contents: `module.exports = require(${JSON.stringify(`./${a.pluginData.bundle}.js`)}).modules[${JSON.stringify(a.path)}];`,
      loader: 'js',
    }));
  },
};

/** The extension bundle; `shared`: the modules it registers for the lazy bundles (relative paths). Returns its inputs. */
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
    plugins: [lazyImports, onceShim, lazyVendor('./vendor/')],
  });
  return ownInputs(r.metafile);
}

/**
 * dist/<name>.js: its entries as `modules[file]`. Every module the extension bundle holds (`held`) comes from the
 * extension bundle's registry, and every module an earlier lazy bundle holds (`earlier`: file → bundle) from that
 * bundle, which exports it (it becomes one of its entries): nothing is copied. Returns what it took from the
 * registry and what it holds.
 */
async function buildLazy(name, held, earlier) {
  const own = new Set(held.map((f) => path.resolve(f)));
  const taken = new Set();
  const files = [...entries[name]].sort();
  const r = await build({
    ...common,
    stdin: {
      contents: [
        ...files.map((f, i) => `import * as m${i} from ${JSON.stringify('./' + f)};`),
        `export const modules = { ${files.map((f, i) => `${JSON.stringify(f)}: m${i}`).join(', ')} };`,
      ].join('\n'),
      resolveDir: process.cwd(),
      sourcefile: `${name}-entry.ts`,
      loader: 'ts',
    },
    outfile: `dist/${name}.js`,
    format: 'cjs',
    metafile: true,
    plugins: [
      lazyImports,
      {
        name: 'shared-modules',
        setup(b) {
          b.onResolve({ filter: /^\./ }, async (a) => {
            if (a.pluginData?.inner || inNodeModules(a.importer) || a.namespace !== 'file') return undefined;
            const r = await b.resolve(a.path, { resolveDir: a.resolveDir, kind: a.kind, pluginData: { inner: true } });
            if (r.errors.length) return undefined;
            const file = rel(r.path);
            if (own.has(r.path)) {
              taken.add(file);
              return { path: file, namespace: 'shared' };
            }
            const from = earlier.get(file);
            if (!from) return undefined;
            entries[from].add(file);
            return { path: file, namespace: 'lazy-bundle', pluginData: { bundle: from } };
          });
          b.onLoad({ filter: /.*/, namespace: 'shared' }, (a) => ({
            contents: `const m = (${REGISTRY} || {})[${JSON.stringify(a.path)}];\nif (!m) throw new Error(${JSON.stringify(`dist/${name}.js: ${a.path} is not registered by dist/extension.js`)});\nmodule.exports = m;`,
            loader: 'js',
          }));
        },
      },
      onceShim,
      lazyVendor('./vendor/'),
    ],
  });
  return { taken: [...taken], holds: ownInputs(r.metafile) };
}

// Passes until nothing moves: the extension (what it holds), each lazy bundle in LAZY's order (what it takes from the
// extension's registry or an earlier bundle, which entries its `import()`s add), then the extension again registering
// exactly what was taken. A module is thus held by one bundle only (one state, one class).
let shared = [];
for (let pass = 1; ; pass++) {
  const holds = await buildExtension(shared);
  const held = new Set(holds);
  const eager = LAZY.flatMap((l) => [...entries[l.name]].filter((f) => held.has(f)));
  if (eager.length)
    throw new Error(
      `extension.js holds ${eager.join(', ')}, which its code also loads on first use: import it with import() only`,
    );
  const built = {};
  let count;
  do {
    count = LAZY.reduce((n, l) => n + entries[l.name].size, 0);
    const earlier = new Map();
    for (const l of LAZY) {
      if (!entries[l.name].size) continue;
      built[l.name] = await buildLazy(l.name, holds, earlier);
      for (const f of built[l.name].holds) if (!earlier.has(f)) earlier.set(f, l.name);
    }
  } while (LAZY.reduce((n, l) => n + entries[l.name].size, 0) !== count);
  const owners = new Map();
  for (const [name, b] of Object.entries(built))
    for (const f of b.holds) if (!held.has(f)) owners.set(f, [...(owners.get(f) ?? []), name]);
  const twice = [...owners].filter(([, names]) => names.length > 1);
  if (twice.length)
    throw new Error(`build.mjs: held by two bundles: ${twice.map(([f, n]) => `${f} (${n})`).join(', ')}`);
  const next = [...new Set([...shared, ...Object.values(built).flatMap((b) => b.taken)])].sort();
  if (next.join() === shared.join()) break;
  if (pass === 6) throw new Error(`build.mjs: the bundles did not settle after ${pass} passes`);
  shared = next;
}

// The CLI: dist/cli.js holds the argument parser and the help text; a verb requires dist/cli-verbs.js (src/cli/run.ts:
// the verbs, the providers and the error policy, so cli.js keeps no state of its own), whose npm packages are
// dist/vendor/*.js, required on first use.
await build({
  ...common,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.js',
  format: 'cjs',
  banner: { js: '#!/usr/bin/env node' },
  plugins: [
    {
      name: 'cli-verbs',
      setup(b) {
        b.onResolve({ filter: /^\.\/cli\/run$/ }, (a) =>
          a.kind === 'dynamic-import' ? { path: './cli-verbs.js', external: true } : undefined,
        );
      },
    },
  ],
});
await build({
  ...common,
  entryPoints: { 'cli-verbs': 'src/cli/run.ts' },
  outdir: 'dist',
  format: 'cjs',
  plugins: [onceShim, lazyVendor('./vendor/')],
});
