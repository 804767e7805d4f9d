// The built extension (dist/extension.js, from build.mjs) loads, when it is loaded and activated, only what the first
// tree paint needs: the npm packages (dist/vendor/*.js), the providers (dist/platforms.js), the command handlers
// (dist/commands.js) and the language support (dist/language.js) are required on first use — a connection read or
// opened, a command run, a document of our languages opened.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Module = require('node:module');
import { tempDir } from '../tempDir';

const dist = path.resolve(__dirname, '../../../dist');

/** Any property (but those given), call or `new` gives another stub: enough for activate() to wire its views and commands. */
function stub(given: Record<string, unknown> = {}): unknown {
  return new Proxy(function () {}, {
    get: (_t, p) =>
      typeof p === 'string' && p in given
        ? given[p]
        : p === 'then'
          ? undefined
          : p === Symbol.toPrimitive
            ? () => ''
            : stub(),
    apply: () => stub(),
    construct: () => stub() as object,
  });
}

/** The vscode names our sources use; esbuild's import helper copies own keys, so they are listed. */
const VSCODE_NAMES = [
  'CodeAction',
  'CodeActionKind',
  'CompletionItem',
  'CompletionItemKind',
  'Diagnostic',
  'DiagnosticSeverity',
  'Disposable',
  'EndOfLine',
  'EventEmitter',
  'Hover',
  'MarkdownString',
  'Position',
  'ProgressLocation',
  'Range',
  'RelativePattern',
  'ThemeColor',
  'ThemeIcon',
  'TreeItem',
  'TreeItemCollapsibleState',
  'Uri',
  'WorkspaceEdit',
  'commands',
  'env',
  'languages',
  'window',
  'workspace',
];

/** Our bundles (dist/*.js, dist/vendor/*.js) that Node has loaded, relative to dist/. */
const loadedBundles = () =>
  Object.keys(require.cache)
    .filter((f) => f.startsWith(dist + path.sep) && f.endsWith('.js'))
    .map((f) => path.relative(dist, f).split(path.sep).join('/'))
    .sort();

describe('extension bundle (dist/extension.js)', () => {
  const required: string[] = [];
  /** The command handlers activate() registered, by id (vscode.commands.registerCommand). */
  const commands = new Map<string, (...args: unknown[]) => unknown>();
  /** The listeners of workspace.onDidOpenTextDocument. */
  const opened: ((d: unknown) => void)[] = [];
  /** What the extension logged as errors (its Output channel's `error`). */
  const errors: string[] = [];
  type Load = (request: string, parent: unknown, isMain: boolean) => unknown;
  const mod = Module as unknown as { _load: Load };
  let original: Load;
  let ext: {
    activate(ctx: unknown): { connections: { connections: readonly unknown[] }; trees: { jobs: { refresh(): void } } };
  };
  let api: ReturnType<typeof ext.activate>;
  let storage: string;
  let ws: string;
  const subscriptions: { dispose(): unknown }[] = [];

  before(() => {
    original = mod._load;
    mod._load = function (request: string, parent: unknown, isMain: boolean) {
      required.push(request);
      if (request === 'vscode')
        return Object.fromEntries(
          VSCODE_NAMES.map((n) => [
            n,
            n === 'workspace'
              ? stub({
                  workspaceFolders: [{ uri: { fsPath: ws } }],
                  textDocuments: [],
                  onDidOpenTextDocument: (listener: (d: unknown) => void) => {
                    opened.push(listener);
                    return { dispose: () => opened.splice(opened.indexOf(listener), 1) };
                  },
                })
              : n === 'commands'
                ? stub({
                    registerCommand: (id: string, handler: (...args: unknown[]) => unknown) => {
                      commands.set(id, handler);
                      return { dispose: () => commands.delete(id) };
                    },
                  })
                : n === 'window'
                  ? stub({ createOutputChannel: () => stub({ error: (m: string) => errors.push(m) }) })
                  : stub(),
          ]),
        );
      return original.call(this, request, parent, isMain);
    };
    storage = tempDir('vmbackup-bundle-');
    ws = tempDir('vmbackup-bundle-ws-');
    fs.mkdirSync(path.join(ws, '.vmbackup'));
    fs.writeFileSync(
      path.join(ws, '.vmbackup', 'connections.yaml'),
      'connections:\n  - name: lab\n    platform: xen\n    url: https://127.0.0.1\n    username: root\n',
    );
    for (const f of Object.keys(require.cache)) if (f.startsWith(dist + path.sep)) delete require.cache[f];
    ext = require(path.join(dist, 'extension.js'));
  });
  after(() => {
    // What activate() started (the Jobs view's poll of platform jobs among them) ends as VS Code ends it: mocha would
    // otherwise wait for its timers after the last test.
    for (const d of subscriptions) d.dispose();
    mod._load = original;
    fs.rmSync(storage, { recursive: true, force: true });
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('does not contain the npm packages: each is its own file in dist/vendor', () => {
    const text = fs.readFileSync(path.join(dist, 'extension.js'), 'utf8');
    for (const marker of ['node_modules/yaml/', 'node_modules/ajv/', 'node_modules/axios/', 'node_modules/iconv-lite/'])
      assert.ok(!text.includes(marker), `${marker} is bundled into extension.js`);
    for (const f of ['yaml.js', 'ajv.js', 'axios.js', 'iconv-lite.js', 'acorn.js', 'ssh2.js'])
      assert.ok(fs.existsSync(path.join(dist, 'vendor', f)), `dist/vendor/${f} missing`);
  });

  it('the providers are dist/platforms.js, which holds no copy of a module of the extension bundle', () => {
    const platforms = fs.readFileSync(path.join(dist, 'platforms.js'), 'utf8');
    const extension = fs.readFileSync(path.join(dist, 'extension.js'), 'utf8');
    assert.ok(platforms.includes('createXenProvider') && !extension.includes('function createXenProvider'));
    // One VendorError class, one secrets registry (masking), one job model: taken from the extension's registry.
    for (const shared of ['var VendorError = class', 'function registerSecret(', 'var Job = class'])
      assert.ok(!platforms.includes(shared), `platforms.js has its own copy: ${shared}`);
    const registry = (globalThis as Record<symbol, Record<string, Record<string, unknown>> | undefined>)[
      Symbol.for('vmbackup.sharedModules')
    ];
    assert.equal(typeof registry?.['src/core/errors.ts']?.VendorError, 'function');
  });

  it('loading and activating requires no vendor file and not the providers; the first read of the connections loads yaml and ajv', () => {
    const context = { subscriptions, globalStorageUri: { fsPath: storage }, secrets: stub(), extensionUri: stub() };
    api = ext.activate(context);
    const vendor = () => required.filter((r) => r.includes('vendor/'));
    assert.deepEqual(vendor(), [], 'a vendor bundle was required at activation');
    assert.ok(!required.some((r) => r.includes('platforms.js')), 'dist/platforms.js was required at activation');
    assert.equal(
      required.filter((r) => r === 'vscode').length,
      1,
      'the vscode module is required once (one namespace, not one copy per file that imports it)',
    );
    assert.deepEqual(
      api.connections.connections.map((c) => (c as { name: string }).name),
      ['lab'],
    );
    assert.deepEqual(vendor().sort(), ['./vendor/ajv.js', './vendor/yaml.js']);
  });

  it('activation compiles no command handler, no language support and no provider: only extension.js and what the connections read needs', () => {
    assert.deepEqual(loadedBundles(), ['extension.js', 'vendor/ajv.js', 'vendor/yaml.js']);
    // Every command is registered (a stub each), those of the language support too.
    for (const id of ['vmbackup.refresh', 'vmbackup.backupVm', 'vmbackup.vcbMountFiles', 'vmbackup.convertToLf'])
      assert.ok(commands.has(id), `${id} is not registered at activation`);
    const text = fs.readFileSync(path.join(dist, 'extension.js'), 'utf8');
    for (const handler of ['async function backupVm(', 'async function restoreVm(', 'function registerDiagnostics('])
      assert.ok(!text.includes(handler), `extension.js holds ${handler}`);
  });

  it("the first command run loads the handlers (dist/commands.js) and runs on the extension's own state", async () => {
    let refreshed = 0;
    api.trees.jobs.refresh = () => void refreshed++;
    await commands.get('vmbackup.refresh')!();
    assert.equal(refreshed, 1, 'Refresh did not reach the Jobs tree activate() made');
    assert.deepEqual(errors, []);
    assert.ok(loadedBundles().includes('commands.js'), 'dist/commands.js was not loaded by the command');
    // Refresh needs no provider and no language support.
    assert.ok(!loadedBundles().some((f) => /^(platforms|language)\.js$/.test(f)), loadedBundles().join());
    await commands.get('vmbackup.refresh')!();
    assert.equal(refreshed, 2);
  });

  it('a document of another language leaves the language support unloaded; one of ours loads it', async () => {
    const doc = (file: string, languageId: string) => ({
      uri: { scheme: 'file', path: file, fsPath: file, toString: () => `file://${file}` },
      languageId,
      isClosed: false,
      getText: () => '',
    });
    for (const l of [...opened]) l(doc('/w/src/main.ts', 'typescript'));
    await new Promise((r) => setImmediate(r));
    assert.ok(!loadedBundles().includes('language.js'), 'a TypeScript file loaded the language support');
    for (const l of [...opened]) l(doc('/w/vcb/catalog', 'vcb-catalog'));
    for (let i = 0; i < 20 && !loadedBundles().includes('language.js'); i++) await new Promise((r) => setImmediate(r));
    assert.ok(loadedBundles().includes('language.js'), 'a vcb-catalog document did not load the language support');
    assert.ok(!loadedBundles().includes('platforms.js'), 'the language support loaded the providers');
    // Its commands now run the support's own handlers (on the stub's active editor: no error).
    await commands.get('vmbackup.validateAsVcbConfig')!();
    assert.deepEqual(errors, []);
  });
});
