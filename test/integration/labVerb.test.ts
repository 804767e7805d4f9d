// `vmbackup lab`: the XAPI lab and, once vcsim is built, the vCenter beside it, both written to connections.yaml.
import { strict as assert } from 'node:assert';
import { alive } from './pidAlive';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { CLI, runCli, cliBaseEnv } from './cliRun';
import { CONNECTIONS_FILE, loadConnections } from '../../src/core/connections';
import { buildVcsim } from '../peers/vcsim/vcsim';
import { VCSIM_LAB_VMS } from '../peers/vcsim/vcsimLab';
import { tempDir } from '../tempDir';

const ENV = {
  VMBACKUP_PASSWORD_LAB: 'lab-pw-3141',
  VMBACKUP_PASSWORD_VCENTER: 'vc-pw-2718',
  VMBACKUP_PASSWORD_OVM: 'ovm-pw-1618',
};

interface LabReady {
  url: string;
  connection: string;
  vcenter: { url?: string; connection?: string; sha256?: string; problem?: string };
}

const started: ChildProcess[] = [];

/** Starts `vmbackup lab --json` and resolves what it prints once both simulators listen. */
function startLab(
  ws: string,
  env: NodeJS.ProcessEnv,
  extra: string[] = [],
): Promise<{ child: ChildProcess; ready: LabReady }> {
  const child = spawn(
    process.execPath,
    [CLI, 'lab', '--workspace', ws, '--json', '--hosts', '1', '--vms', '1', ...extra],
    {
      env: { ...cliBaseEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const stderr: string[] = [];
  child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
  return new Promise((resolve, reject) => {
    // The JSON is printed over several lines: parse once it is whole.
    let text = '';
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      text += line + '\n';
      try {
        const ready = JSON.parse(text) as LabReady;
        lines.close();
        resolve({ child, ready });
      } catch {
        /* not whole yet */
      }
    });
    child.once('exit', (code) => reject(new Error(`vmbackup lab exited (${code}): ${stderr.join('')}`)));
    // A test that fails before its stop() must not leave the lab (and its vcsim) running.
    started.push(child);
  });
}

/**
 * SIGTERM, and waits for the exit. Its code is not checked: a signal sent within about a second of a Node process's
 * start can end it before its handler runs (seen with a 5-line script), and the second test stops its lab that soon.
 */
function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

describe('vmbackup lab: the XAPI lab and the vCenter (vcsim) beside it', function () {
  this.timeout(300_000);
  const made: string[] = [];
  const tmp = () => {
    const d = tempDir('vmbackup-labverb-');
    made.push(d);
    return d;
  };
  after(async () => {
    for (const c of started) if (c.exitCode === null && c.signalCode === null) await stop(c);
    for (const d of made) fs.rmSync(d, { recursive: true, force: true });
  });

  it('writes both connections (the vCenter pinned by thumbprint, no password in the file) and both answer `ls`', async () => {
    buildVcsim();
    const ws = tmp();
    const { child, ready } = await startLab(ws, ENV);
    try {
      assert.equal(ready.vcenter.connection, 'vcenter', JSON.stringify(ready));
      const { connections } = loadConnections(ws);
      assert.deepEqual(
        connections.map((c) => [c.name, c.platform]),
        [
          ['lab', 'xen'],
          ['vcenter', 'vmware'],
          ['ovm', 'oraclevm'],
        ],
      );
      const vc = connections[1];
      assert.equal(vc.vcbHosts?.length, 1, 'the vCenter has the VCB lab as its VCB host');
      assert.ok(vc.vcbHosts?.[0].hostKey, 'its host key pinned');
      assert.equal(vc.url, ready.vcenter.url);
      assert.equal(vc.thumbprint, ready.vcenter.sha256);
      assert.match(String(vc.thumbprint), /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      const yaml = fs.readFileSync(path.join(ws, CONNECTIONS_FILE), 'utf8');
      for (const pw of Object.values(ENV)) assert.ok(!yaml.includes(pw), 'no password in connections.yaml');

      const { stdout } = await runCli(['ls', '--json', '--connection', 'vcenter'], { ws, env: ENV });
      const rows = JSON.parse(stdout) as Array<{ pool: string; name: string; powerState: string }>;
      assert.deepEqual(rows.map((r) => r.name).sort(), Object.values(VCSIM_LAB_VMS).sort());
      assert.deepEqual(
        [...new Set(rows.map((r) => r.powerState))].sort(),
        ['halted', 'running', 'suspended'],
        'mixed power states',
      );
      const lab = JSON.parse((await runCli(['ls', '--json', '--connection', 'lab'], { ws, env: ENV })).stdout);
      assert.ok(lab.length > 0);
      const ovm = JSON.parse((await runCli(['ls', '--json', '--connection', 'ovm'], { ws, env: ENV })).stdout);
      assert.ok(ovm.length > 0, 'the Oracle VM Manager answers');
      const vcb = (await runCli(['vcb-find', 'any:', '--connection', 'vcenter'], { ws, env: ENV })).stdout;
      assert.match(vcb, /DC0_H0_VM0/, 'the VCB host answers vcbVmName');
    } finally {
      await stop(child);
    }
  });

  it('without a built vcsim: the XAPI lab alone, and it says to run build.sh', async () => {
    const ws = tmp();
    const { child, ready } = await startLab(ws, { ...ENV, VCSIM_OUT: tmp() });
    try {
      assert.match(String(ready.vcenter.problem), /not built: run `bash test\/peers\/vcsim\/build\.sh`/);
      assert.deepEqual(
        loadConnections(ws).connections.map((c) => c.name),
        ['lab', 'ovm'],
      );
    } finally {
      await stop(child);
    }
  });

  it("edits connections.yaml: the user's comments and connections stay, its own entries go when it stops", async () => {
    const ws = tmp();
    const file = path.join(ws, CONNECTIONS_FILE);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const mine = [
      '# my pools — keep this comment',
      'connections:',
      '  # production, do not touch',
      '  - name: prod',
      '    platform: xen',
      '    url: https://xen.example.test',
      '    username: root',
      '  - name: lab',
      '    platform: xen',
      '    url: http://127.0.0.1:1',
      '    username: root',
      '',
    ].join('\n');
    fs.writeFileSync(file, mine);
    const { child, ready } = await startLab(ws, { ...ENV, VCSIM_OUT: tmp() }, ['--no-ovm']);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
      assert.match(text, /# my pools — keep this comment/);
      assert.match(text, /# production, do not touch/);
      assert.deepEqual(
        loadConnections(ws).connections.map((c) => [c.name, c.url]),
        [
          ['prod', 'https://xen.example.test'],
          ['lab', ready.url],
        ],
        'the stale "lab" entry is replaced in place, "prod" kept',
      );
    } finally {
      await stop(child);
    }
    text = fs.readFileSync(file, 'utf8');
    assert.match(text, /# my pools — keep this comment/);
    assert.match(text, /# production, do not touch/);
    assert.deepEqual(
      loadConnections(ws).connections.map((c) => c.name),
      ['prod'],
      "after the stop, only the user's connection is left",
    );
  });

  it('a Ctrl-C while vcsim starts: the start finishes, both simulators stop, exit 130, nothing written', async () => {
    buildVcsim();
    const ws = tmp();
    const child = spawn(process.execPath, [CLI, 'lab', '--workspace', ws, '--json', '--hosts', '1', '--vms', '1'], {
      env: { ...cliBaseEnv(), ...ENV },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(child);
    let printed = '';
    child.stdout!.on('data', (d: Buffer) => (printed += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // vcsim is the lab's child process: once it exists (and before the lab said it is ready), interrupt.
    let vcsimPid = 0;
    while (!vcsimPid && child.exitCode === null) {
      vcsimPid = childPids(child.pid!).find((pid) => /vcsim/.test(commandOf(pid))) ?? 0;
      if (!vcsimPid) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(vcsimPid, 'vcsim was started by the lab');
    assert.equal(printed, '', 'interrupted before the lab was ready');
    child.kill('SIGINT');
    try {
      assert.equal(await exited, 130, 'the lab ends with 130 after closing what it started');
      assert.equal(alive(vcsimPid), false, `vcsim (pid ${vcsimPid}) stopped with the lab`);
      assert.equal(fs.existsSync(path.join(ws, CONNECTIONS_FILE)), false, 'no connections written');
    } finally {
      if (alive(vcsimPid)) process.kill(vcsimPid, 'SIGKILL');
    }
  });
});

/** Pids of a process's children (procps `ps --ppid`). */
function childPids(pid: number): number[] {
  const r = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .map((l) => Number(l.trim()))
    .filter((n) => n > 0);
}

function commandOf(pid: number): string {
  return spawnSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).stdout;
}
