// README's CLI examples, run as written (through bash, `npx vmbackup` as the built CLI) against `vmbackup lab`: the
// backups and the XCP-ng and vSphere restores with the names they give (SR, network, datastore, cluster, resource
// pool, folder) must work on the lab the README describes.
import { strict as assert } from 'node:assert';
import { ChildProcess, execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { CLI, cliBaseEnv } from './cliRun';
import { buildVcsim } from '../peers/vcsim/vcsim';
import { tempDir } from '../tempDir';

const ENV = {
  ...cliBaseEnv(),
  VMBACKUP_PASSWORD_LAB: 'lab-secret',
  VMBACKUP_PASSWORD_VCENTER: 'vcenter-secret',
};
const README = path.resolve(__dirname, '../../../README.md');

/** The CLI section's example lines, a `\` continuation joined, without their `# …` comments. */
function cliExamples(): string[] {
  const text = fs.readFileSync(README, 'utf8');
  const block = /### CLI\n```sh\n([\s\S]*?)```/.exec(text)?.[1];
  assert.ok(block, 'README has a "### CLI" sh block');
  return block
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l.startsWith('npx vmbackup '));
}

/** The one example line that is `exact`, or else contains every part given. */
function example(...parts: string[]): string {
  const all = cliExamples();
  const exact = all.filter((l) => l === parts[0]);
  const found = exact.length ? exact : all.filter((l) => parts.every((p) => l.includes(p)));
  assert.equal(found.length, 1, `one README example with ${parts.join(', ')}: ${found.join(' | ')}`);
  return found[0];
}

describe("README's CLI examples against vmbackup lab", function () {
  this.timeout(600_000);
  let lab: ChildProcess | undefined;
  let ws = '';
  before(async () => {
    buildVcsim();
    ws = tempDir('vmbackup-readme-');
    lab = spawn(process.execPath, [CLI, 'lab', '--workspace', ws], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      lab!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ctrl-C stops it')) resolve();
      });
      lab!.once('exit', (code) => reject(new Error(`vmbackup lab exited (${code}): ${out}`)));
    });
    assert.match(out, /connection "vcenter"/, 'the lab has its vCenter');
  });
  after(async () => {
    if (lab && lab.exitCode === null && lab.signalCode === null) {
      const gone = new Promise((r) => lab!.once('exit', r));
      lab.kill('SIGTERM');
      await gone;
    }
    if (ws) fs.rmSync(ws, { recursive: true, force: true });
  });

  /** Runs one README line through bash in the workspace; returns stdout. */
  async function run(line: string, backupId?: string): Promise<string> {
    const cmd = line
      .replace(/^npx vmbackup /, `"${process.execPath}" "${CLI}" `)
      .replace('<backup-id>', backupId ?? '');
    try {
      return (await promisify(execFile)('bash', ['-c', cmd], { cwd: ws, env: ENV })).stdout;
    } catch (e) {
      const x = e as { stderr?: string; message: string };
      throw new Error(`README example failed: ${line}\n${x.stderr ?? x.message}`, { cause: e });
    }
  }
  const backedUp = (stdout: string) => {
    const m = /backed up \S+ to (\S+)$/m.exec(stdout);
    assert.ok(m, stdout);
    return path.relative(path.join(ws, 'backups'), m[1]);
  };

  it('XCP-ng: backup db-01, then the restore onto "NFS storage" with VIF 0 on the lab\'s network, powered on', async () => {
    const id = backedUp(await run(example('npx vmbackup backup db-01')));
    const out = await run(example('restore <backup-id> --storage "NFS storage"'), id);
    assert.match(out, /restored db-01 to "lab" .*running/);
  });

  it('vSphere: backup on connection vcenter, then the restore to datastore, cluster, resource pool and folder', async () => {
    const id = backedUp(await run(example('backup DC0_H0_VM1 --connection vcenter')));
    const out = await run(example('restore <backup-id> --connection vcenter --storage'), id);
    assert.match(out, /restored DC0_H0_VM1 to "vcenter" .*running/);
  });

  it('vSphere: every vSphere verb as the README writes it — snapshot with memory, rename, revert, delete with children, delete all, consolidate, OVF backup', async () => {
    const vc = (verb: string, ...parts: string[]) => example(`npx vmbackup ${verb} `, '--connection vcenter', ...parts);
    assert.match(await run(vc('snapshot', '--memory')), /with memory/);
    assert.match(await run(vc('snapshot-rename')), /snapshot with memory of DC0_H0_VM0 renamed to patched/);
    assert.match(await run(vc('revert', 'installed')), /DC0_C0_RP0_VM0 reverted to installed/);
    assert.match(
      await run(vc('snapshot-delete', '--children')),
      /snapshot patched and its children of DC0_C0_RP0_VM0 deleted/,
    );
    assert.match(await run(vc('snapshot-delete-all')), /every snapshot of DC0_H0_VM0 deleted/);
    assert.match(await run(vc('consolidate')), /disks of DC0_H0_VM0 consolidated/);
    const ovf = backedUp(await run(vc('backup', '--format ovf')));
    assert.ok(fs.existsSync(path.join(ws, 'backups', ovf, 'DC0_C0_RP0_VM1.ovf')), 'the OVF descriptor');
    const listed = await run(example('npx vmbackup catalog'));
    assert.ok(listed.includes('DC0_C0_RP0_VM1'), listed);
  });
});
