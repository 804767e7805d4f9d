// What `vmbackup` loads: `vmbackup help` only dist/cli.js (the argument parser and the help text), no verb, no
// provider, no npm package; a verb loads dist/cli-verbs.js, and of the npm packages only those it uses.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { CLI, cliBaseEnv } from './cliRun';
import { tempDir } from '../tempDir';

const dist = path.dirname(CLI);
const run = promisify(execFile);

describe('CLI: what a verb loads (dist/cli.js)', () => {
  let dir: string;
  let hook: string;

  before(() => {
    dir = tempDir('vmbackup-cli-loads-');
    hook = path.join(dir, 'loaded.js');
    // Preloaded with --require: at exit, the files Node loaded and its own modules (process.moduleLoadList:
    // "NativeModule https", …), one a line, into $LOADED_OUT.
    fs.writeFileSync(
      hook,
      "process.on('exit', () => require('fs').writeFileSync(process.env.LOADED_OUT, [...Object.keys(require.cache), ...process.moduleLoadList].join('\\n')));\n",
    );
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Runs `vmbackup <args>`; resolves its stdout, the files of dist/ it loaded (relative, sorted) and Node's modules. */
  async function loads(args: string[]): Promise<{ stdout: string; loaded: string[]; builtins: string[] }> {
    const out = path.join(dir, 'loaded.txt');
    const { stdout } = await run(process.execPath, ['--require', hook, CLI, ...args], {
      env: { ...cliBaseEnv(), LOADED_OUT: out },
    });
    const lines = fs.readFileSync(out, 'utf8').split('\n');
    const builtins = lines.filter((l) => l.startsWith('NativeModule ')).map((l) => l.slice(13));
    const loaded = lines
      .filter((f) => f.startsWith(dist + path.sep))
      .map((f) => path.relative(dist, f).split(path.sep).join('/'))
      .sort();
    return { stdout, loaded, builtins };
  }

  it('`vmbackup help` loads nothing but dist/cli.js: no verb, no provider, no ssh2 or axios', async () => {
    const { stdout, loaded, builtins } = await loads(['help']);
    assert.match(stdout, /^vmbackup <verb> \[args\] \[flags\]/);
    assert.match(stdout, /vcb-restore --from-repository/);
    assert.deepEqual(loaded, ['cli.js']);
    // Nothing of the providers, ssh2 or axios ran: none of the Node modules they need (network, TLS, compression,
    // crypto, child processes) was loaded. (net is not among them: a piped stdout is a net.Socket.)
    const network = ['tls', 'https', 'http2', 'zlib', 'crypto', 'child_process'];
    assert.deepEqual(
      builtins.filter((b) => network.includes(b)),
      [],
    );
  });

  it('a verb loads its code (dist/cli-verbs.js) and runs; one that talks to no platform loads no ssh2 or axios', async () => {
    const repo = path.join(dir, 'repo');
    fs.mkdirSync(repo);
    const { stdout, loaded } = await loads(['catalog', '--repository', repo, '--json']);
    assert.deepEqual(JSON.parse(stdout), []);
    assert.ok(loaded.includes('cli-verbs.js'), loaded.join());
    for (const pkg of ['vendor/ssh2.js', 'vendor/axios.js']) assert.ok(!loaded.includes(pkg), `catalog loaded ${pkg}`);
  });
});
