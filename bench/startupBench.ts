// Start-up cost outside VS Code, each against a reference measured in the same run, alternating which goes first:
// - the extension in bare Node: dist/extension.js required with a stub `vscode`, then activate(), in a fresh process
//   (CPU time and wall time of require + activate) vs a no-op extension through the same harness;
// - `vmbackup help` (dist/cli.js) vs `node -e 0`: wall time of the whole process.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { median } from './measure';

const run = promisify(execFile);

/**
 * The harness run in a fresh Node: a stub `vscode` (any property, call or `new` gives another stub), then
 * require(argv[2]) and activate(); prints `{cpuMs, wallMs}` of those two steps.
 */
const HARNESS = `
const Module = require('node:module');
const stub = () => new Proxy(function () {}, {
  get: (_t, p) => (p === 'then' ? undefined : p === Symbol.toPrimitive ? () => '' : p === 'textDocuments' ? [] : stub()),
  apply: () => stub(),
  construct: () => stub(),
});
const names = ['CodeAction','CodeActionKind','CompletionItem','CompletionItemKind','Diagnostic','DiagnosticSeverity',
  'Disposable','EndOfLine','EventEmitter','Hover','MarkdownString','Position','ProgressLocation','Range',
  'RelativePattern','ThemeColor','ThemeIcon','TreeItem','TreeItemCollapsibleState','Uri','WorkspaceEdit','commands',
  'env','languages','window','workspace'];
const vscode = Object.fromEntries(names.map((n) => [n, stub()]));
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'vscode' ? vscode : load.call(this, request, ...rest); };
const storage = require('node:fs').mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'vmbackup-startup-'));
const cpu = process.cpuUsage();
const t = process.hrtime.bigint();
require(process.argv[2]).activate({ subscriptions: [], globalStorageUri: { fsPath: storage }, secrets: stub(), extensionUri: stub() });
const wallMs = Number(process.hrtime.bigint() - t) / 1e6;
const c = process.cpuUsage(cpu);
require('node:fs').rmSync(storage, { recursive: true, force: true });
process.stdout.write(JSON.stringify({ cpuMs: (c.user + c.system) / 1000, wallMs }));
process.exit(0);
`;

const loadavg = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const ms = (x: number) => x.toFixed(1);

/** `rounds` of a and b, alternating which goes first; returns both lists. */
async function alternate<T>(rounds: number, a: () => Promise<T>, b: () => Promise<T>): Promise<[T[], T[]]> {
  const as: T[] = [];
  const bs: T[] = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      as.push(await a());
      bs.push(await b());
    } else {
      bs.push(await b());
      as.push(await a());
    }
  }
  return [as, bs];
}

/** Bench rows: the extension's require + activate() in bare Node, and `vmbackup help`, each against its reference. */
export async function startupBenches(rounds: number, repoRoot: string): Promise<Array<[string, string, string]>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmbackup-startup-bench-'));
  try {
    const harness = path.join(dir, 'harness.js');
    const noop = path.join(dir, 'noop.js');
    fs.writeFileSync(harness, HARNESS);
    fs.writeFileSync(noop, 'exports.activate = function () {};\n');
    const activation = async (file: string) =>
      JSON.parse((await run(process.execPath, [harness, file])).stdout) as { cpuMs: number; wallMs: number };
    const before = loadavg();
    const [ours, ref] = await alternate(
      rounds,
      () => activation(path.join(repoRoot, 'dist', 'extension.js')),
      () => activation(noop),
    );
    const wall = async (args: string[]) => {
      const t = process.hrtime.bigint();
      await run(process.execPath, args);
      return Number(process.hrtime.bigint() - t) / 1e6;
    };
    const [help, bare] = await alternate(
      rounds,
      () => wall([path.join(repoRoot, 'dist', 'cli.js'), 'help']),
      () => wall(['-e', '0']),
    );
    const cpu = (xs: { cpuMs: number }[]) => median(xs.map((x) => x.cpuMs));
    const wallOf = (xs: { wallMs: number }[]) => median(xs.map((x) => x.wallMs));
    return [
      [
        `extension in bare Node: require(dist/extension.js) + activate() with a stub vscode / a no-op extension (median of ${rounds}, fresh process each)`,
        `CPU ${ms(cpu(ours))} / ${ms(cpu(ref))} ms; wall ${ms(wallOf(ours))} / ${ms(wallOf(ref))} ms`,
        `goal (in VS Code) < 50 ms; CPU rounds ${ours.map((x) => ms(x.cpuMs)).join(', ')} / ${ref.map((x) => ms(x.cpuMs)).join(', ')}; load average ${before} → ${loadavg()}`,
      ],
      [
        `vmbackup help (node dist/cli.js help) / node -e 0, whole process, wall (median of ${rounds})`,
        `${ms(median(help))} / ${ms(median(bare))} ms`,
        `ratio ${(median(help) / median(bare)).toFixed(2)}; rounds ${help.map(ms).join(', ')} / ${bare.map(ms).join(', ')}; load average ${loadavg()}`,
      ],
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
