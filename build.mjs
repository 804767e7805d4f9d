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
 * an entry of dist/<name>.js; the `import()` becomes `require('./<name>.js').modules[file]`, so nothing of it is read
 * before the code that asks for it runs:
 * - platforms: the providers, their wire clients and transports (src/providers/index.ts loads one when a connection
 *   opens; the VCB sessions when a VCB host is first used);
 * - language: diagnostics, completion, hover, quick fixes, detection (src/language/onDemand.ts, on the first document
 *   that may be of our languages);
 * - commands: every command's handler (src/commands/registerCommands.ts registers stubs, the first command loads them).
 */
const LAZY = [
  { name: 'platforms', under: ['src/providers/', 'src/transport/'] },
  { name: 'language', under: ['src/language/'] },
  { name: 'commands', under: ['src/commands/'] },
];
const REGISTRY = `globalThis[Symbol.for('vmbackup.sharedModules')]`;
const rel = (abs) => path.relative(process.cwd(), abs).split(path.sep).join('/');
const inNodeModules = (file) => file.includes(`${path.sep}node_modules${path.sep}`);

/** Our sources' import graph, as esbuild resolves it: file → its imports ({ path, kind }) among our files. */
async function importGraph() {
  const r = await build({
    ...common,
    entryPoints: ['src/extension.ts'],
    packages: 'external',
    write: false,
    outfile: 'dist/graph.js',
    format: 'cjs',
    metafile: true,
  });
  const inputs = r.metafile.inputs;
  return new Map(Object.entries(inputs).map(([f, v]) => [f, v.imports.filter((i) => i.path in inputs)]));
}

/**
 * Which output holds each of our modules (one only: one state, one class). The extension bundle holds what
 * src/extension.ts imports statically. A lazy bundle holds what its entries import statically and nothing else
 * needs; a module that several lazy bundles need is held by dist/shared-<their names>.js, required by the first of
 * them that loads (a module only imports modules needed by at least the same bundles: these never form a cycle).
 */
function owners(graph) {
  const lazyOf = (f) => LAZY.find((l) => l.under.some((u) => f.startsWith(u)));
  const entries = new Map(LAZY.map((l) => [l.name, new Set()]));
  for (const imports of graph.values())
    for (const i of imports)
      if (i.kind === 'dynamic-import' && lazyOf(i.path)) entries.get(lazyOf(i.path).name).add(i.path);
  /** What `starts` load at once: static imports, and `import()`s of a module that is not a lazy bundle's entry. */
  const closure = (starts) => {
    const seen = new Set();
    const todo = [...starts];
    while (todo.length) {
      const f = todo.pop();
      if (seen.has(f)) continue;
      seen.add(f);
      for (const i of graph.get(f)) if (i.kind !== 'dynamic-import' || !lazyOf(i.path)) todo.push(i.path);
    }
    return seen;
  };
  const owner = new Map([...closure(['src/extension.ts'])].map((f) => [f, 'extension']));
  const eager = [...entries.values()].flatMap((s) => [...s].filter((f) => owner.has(f)));
  if (eager.length)
    throw new Error(
      `extension.js holds ${eager.join(', ')}, which is also loaded on first use: import it with import() only`,
    );
  const users = new Map();
  for (const l of LAZY)
    for (const f of closure(entries.get(l.name))) if (!owner.has(f)) users.set(f, [...(users.get(f) ?? []), l.name]);
  for (const [f, names] of users) owner.set(f, names.length === 1 ? names[0] : `shared-${names.join('-')}`);
  return owner;
}

/**
 * Resolves our relative imports to the output that holds them (`owner`): a module of `self` is bundled; one of the
 * extension bundle comes from its registry; one of another lazy bundle is `require('./<it>.js').modules[file]`.
 */
const ownedBy = (self, owner) => ({
  name: 'owned-by',
  setup(b) {
    b.onResolve({ filter: /^\.\/[\w-]+\.js$/, namespace: 'lazy-bundle' }, (a) => ({ path: a.path, external: true }));
    b.onResolve({ filter: /^\./ }, async (a) => {
      if (a.pluginData?.inner || inNodeModules(a.importer)) return undefined;
      const r = await b.resolve(a.path, { resolveDir: a.resolveDir, kind: a.kind, pluginData: { inner: true } });
      if (r.errors.length) return undefined;
      const file = rel(r.path);
      const o = owner.get(file);
      if (!o || o === self) return undefined;
      return o === 'extension'
        ? { path: file, namespace: 'registry' }
        : { path: file, namespace: 'lazy-bundle', pluginData: { bundle: o } };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-bundle' }, (a) => ({
      contents: `module.exports = require(${JSON.stringify(`./${a.pluginData.bundle}.js`)}).modules[${JSON.stringify(a.path)}];`,
      loader: 'js',
    }));
    b.onLoad({ filter: /.*/, namespace: 'registry' }, (a) => ({
      contents: `const m = (${REGISTRY} || {})[${JSON.stringify(a.path)}];\nif (!m) throw new Error(${JSON.stringify(`dist/${self}.js: ${a.path} is not registered by dist/extension.js`)});\nmodule.exports = m;`,
      loader: 'js',
    }));
  },
});

const graph = await importGraph();
const owner = owners(graph);
/** The extension bundle's modules that a lazy bundle imports: registered when dist/extension.js loads. */
const registered = [
  ...new Set(
    [...graph]
      .filter(([f]) => owner.get(f) !== 'extension')
      .flatMap(([, imports]) => imports.map((i) => i.path))
      .filter((f) => owner.get(f) === 'extension'),
  ),
].sort();
await build({
  ...common,
  stdin: {
    contents: [
      ...registered.map((m, i) => `import * as m${i} from ${JSON.stringify('./' + m)};`),
      `const r = (${REGISTRY} ??= Object.create(null));`,
      ...registered.map((m, i) => `r[${JSON.stringify(m)}] = m${i};`),
      `export * from './src/extension';`,
    ].join('\n'),
    resolveDir: process.cwd(),
    sourcefile: 'extension-entry.ts',
    loader: 'ts',
  },
  outfile: 'dist/extension.js',
  format: 'cjs',
  plugins: [ownedBy('extension', owner), onceShim, lazyVendor('./vendor/')],
});
for (const name of new Set([...owner.values()].filter((o) => o !== 'extension'))) {
  const files = [...owner].filter(([, o]) => o === name).map(([f]) => f);
  await build({
    ...common,
    stdin: {
      contents: [
        ...files.map((f, i) => `import * as m${i} from ${JSON.stringify('./' + f)};`),
        `/** Each module of this bundle, by its path in the sources (build.mjs). */`,
        `export const modules = { ${files.map((f, i) => `${JSON.stringify(f)}: m${i}`).join(', ')} };`,
      ].join('\n'),
      resolveDir: process.cwd(),
      sourcefile: `${name}-entry.ts`,
      loader: 'ts',
    },
    outfile: `dist/${name}.js`,
    format: 'cjs',
    plugins: [ownedBy(name, owner), onceShim, lazyVendor('./vendor/')],
  });
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
