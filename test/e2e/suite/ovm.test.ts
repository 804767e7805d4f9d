// The Oracle VM Manager beside the pool, inside the real VS Code (issue #15): the e2e runner starts the Manager REST lab,
// an sshd serving its repositories and the Manager host stubs (test/e2e/ovmLab.ts) and writes connection "ovm". The
// tree, the backup method picker (cold clone with the offer to stop, hot clone refused unless confirmed, the OVA export
// through the Manager CLI), the Manager
// restore runbook in its terminal, through the extension's commands with scripted answers.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { VmBackupApi } from '../../../src/extension';
import type { OracleVmProvider } from '../../../src/providers/oraclevm/ovmProvider';
import { listVms } from '../../../src/providers/oraclevm/ovmInventory';
import { listRunbookStates } from '../../../src/core/runbook';
import type { BackupEntryNode, VmNode } from '../../../src/views/nodes';
import { answer, labApi, restorePrompts, shown, waitFor } from './stubs';
import { allBackups, allVmNodes, outline } from './trees';

const OVM = 'ovm';
const SLOW = 90_000;

describe('Oracle VM Manager (REST lab + sshd) in VS Code: tree, backup methods, hot clone confirmation, restore runbook', function () {
  this.timeout(180_000);
  let api: VmBackupApi;
  let repo: string;

  before(async () => {
    api = await labApi();
    await waitFor(() => api.connections.get(OVM), `connection "${OVM}" from .vmbackup/connections.yaml`);
    repo = api.connections.repositoryFor(OVM)!;
    assert.ok(repo, `connection "${OVM}" has a repository`);
  });
  afterEach(() => restorePrompts());

  const provider = async () => (await api.connections.provider(OVM)) as unknown as OracleVmProvider;
  /** The Manager's VMs by name → run state, through the extension's own REST client. */
  const managerVms = async () =>
    new Map((await listVms((await provider()).client)).map((v) => [v.name, v.vmRunState] as const));
  const vmNode = async (name: string): Promise<VmNode> => {
    const n = (await allVmNodes(api, OVM)).find((v) => v.vm.name === name);
    assert.ok(n, `VM ${name} is in the tree`);
    return n;
  };
  const newJobs = (since: Set<string>) => api.jobs.finished.filter((r) => !since.has(r.id));

  it('tree: server pool → servers (ovs2 in maintenance) → the VMs they run; VMs on no server under the pool; the repositories the Manager lists', async () => {
    const lines = await outline(api, OVM, { kinds: true });
    assert.equal(lines[0], 'pool1 [serverPool]', lines.join('\n'));
    assert.equal(lines[1], '  ovs1 [server]', lines.join('\n'));
    assert.equal(lines[2], '    web01', lines.join('\n'));
    assert.ok(lines.includes('  ovs2 [server]'), lines.join('\n'));
    assert.ok(lines.includes('  db01'), lines.join('\n'));
    assert.ok(
      lines.some((l) => /^ {2}evil'; \$\(touch \/tmp\/pwned\)\\nvm$/.test(l)),
      `the hostile name shown escaped: ${lines.join('\n')}`,
    );
    assert.deepEqual((await (await provider()).listStorage()).map((s) => s.name).sort(), ['backup-repo', 'repo1']);
  });

  it('hot clone: offered with its trade-off, refused without the modal confirmation (no job, nothing asked of the Manager)', async () => {
    const since = new Set(api.jobs.finished.map((r) => r.id));
    let offered: readonly vscode.QuickPickItem[] = [];
    answer({
      pick: [
        (items) => {
          offered = items;
          return items.find((i) => /^Hot clone/.test(i.label));
        },
      ],
      confirm: [undefined as unknown as string],
    });
    await vscode.commands.executeCommand('vmbackup.backupVm', await vmNode('web01'));
    assert.deepEqual(
      offered.map((i) => i.label),
      [
        'Cold clone, then back up the clone’s files',
        'Copy the stopped VM’s files from its repository',
        'Hot clone of the running VM, then back up the clone’s files',
        'Export as a virtual appliance (OVA)',
      ],
      'the methods the capabilities declare (the OVA export: the connection has the Manager CLI)',
    );
    for (const i of offered) assert.match(i.detail ?? '', /^\+ .* − /, `${i.label}: its trade-off`);
    assert.equal(shown.length, 1, JSON.stringify(shown));
    assert.ok(shown[0].modal, 'the confirmation is modal');
    assert.match(shown[0].detail ?? '', /inconsistent.*Oracle Database/s);
    assert.deepEqual(newJobs(since), [], 'no job');
    assert.equal((await managerVms()).size, 3, 'no clone');
    assert.equal((await managerVms()).get('web01'), 'RUNNING');
  });

  let backup: BackupEntryNode;
  it('cold clone of the running web01: the picker offers to stop it, the job stops, clones, starts it again, copies and deletes the clone; the backup in Backups', async () => {
    const since = new Set(api.jobs.finished.map((r) => r.id));
    answer({
      pick: [(items) => items.find((i) => /^Cold clone/.test(i.label))],
      confirm: ['Stop and Back Up'],
    });
    await vscode.commands.executeCommand('vmbackup.backupVm', await vmNode('web01'));
    assert.match(shown[0]?.message ?? '', /^web01 is running: stop it for the backup\?/);
    const [job] = newJobs(since);
    assert.equal(job?.kind, 'backup-vm');
    assert.equal(job.state, 'succeeded', JSON.stringify(job));
    assert.ok(
      job.log.some((l) => /Cold clone, then back up the clone’s files \(recommended/.test(l)),
      job.log.join('\n'),
    );
    assert.ok(
      job.log.some((l) => / stopping web01 \(it is RUNNING\)/.test(l)),
      job.log.join('\n'),
    );
    assert.ok(
      job.log.some((l) => / starting web01 again \(this backup stopped it\)/.test(l)),
      job.log.join('\n'),
    );
    api.trees.backups.refresh();
    backup = await waitFor(
      async () =>
        (await allBackups(api)).find((n): n is BackupEntryNode => n.kind === 'backup' && n.entry.vmName === 'web01'),
      'the backup of web01 in the Backups view',
      SLOW,
    );
    const m = backup.entry.manifest!;
    assert.equal(m.platform, 'oraclevm');
    assert.equal(m.files[0].name, 'vm.cfg');
    assert.equal(m.files.length, 3, 'vm.cfg and two disk images');
    for (const f of m.files) assert.equal(fs.statSync(path.join(backup.entry.dir, f.name)).size, f.bytes, f.name);
    assert.equal(path.relative(repo, backup.entry.dir).split(path.sep)[0], 'web01');
    const vms = await managerVms();
    assert.deepEqual([...vms.keys()].length, 3, 'the clone was deleted');
    assert.equal(vms.get('web01'), 'RUNNING', 'started again once its clone existed');
  });

  it('OVA export of the stopped db01 from the method picker: the Manager CLI exports it, the job copies the .ova (its trade-off logged first), the appliance is deleted', async () => {
    const since = new Set(api.jobs.finished.map((r) => r.id));
    let detail = '';
    answer({
      pick: [
        (items) => {
          const ova = items.find((i) => /^Export as a virtual appliance/.test(i.label));
          detail = ova?.detail ?? '';
          return ova;
        },
      ],
    });
    await vscode.commands.executeCommand('vmbackup.backupVm', await vmNode('db01'));
    assert.match(detail, /^\+ One portable OVF package.* − The virtual machine must be stopped/);
    const [job] = await waitFor(async () => (newJobs(since).length ? newJobs(since) : undefined), 'the OVA job', SLOW);
    assert.equal(job.state, 'succeeded', JSON.stringify(job));
    assert.ok(
      job.log.some((l) => /Export as a virtual appliance \(OVA\): /.test(l)),
      job.log.join('\n'),
    );
    api.trees.backups.refresh();
    const ova = await waitFor(
      async () =>
        (await allBackups(api)).find(
          (n): n is BackupEntryNode =>
            n.kind === 'backup' &&
            n.entry.vmName === 'db01' &&
            !!n.entry.manifest?.files.some((f) => /\.ova$/.test(f.name)),
        ),
      'the OVA backup of db01 in the Backups view',
      SLOW,
    );
    const [file] = ova.entry.manifest!.files;
    assert.equal(fs.statSync(path.join(ova.entry.dir, file.name)).size, file.bytes);
    assert.deepEqual(
      fs.readdirSync(ova.entry.dir).filter((n) => n.endsWith('.part')),
      [],
    );
  });

  it('Restore Oracle VM Manager: the runbook runs to its end in its terminal, each destructive step confirmed; the inventory of the backup is back (web01 RUNNING)', async () => {
    const before = new Set(listRunbookStates(repo).map((s) => s.id));
    let backups: string[] = [];
    answer({
      pick: [
        (items) => {
          backups = items.map((i) => i.label);
          return items[0];
        },
      ],
      confirm: Array.from({ length: 12 }, () => (_m: string, items: string[]) => items[0]),
    });
    await vscode.commands.executeCommand('vmbackup.runManagerRestore');
    assert.ok(backups.length >= 1 && /^AutoFullBackup-\d{8}_\d{6}$/.test(backups[0]), backups.join(', '));
    assert.ok(
      vscode.window.terminals.some((t) => t.name === `Restore Oracle VM Manager ${OVM}`),
      'the runbook terminal',
    );
    const run = listRunbookStates(repo).find((s) => !before.has(s.id));
    assert.ok(run, 'a runbook state in the repository');
    assert.equal(run.status, 'done', JSON.stringify(run.steps));
    assert.ok(run.steps.every((s) => s.status === 'done'));
    assert.ok(shown.filter((s) => s.modal).length >= 2, 'destructive steps confirmed in modal dialogs');
    const vms = await waitFor(async () => {
      const v = await managerVms().catch(() => undefined);
      return v?.get('web01') === 'RUNNING' ? v : undefined;
    }, 'web01 RUNNING again, as in the database backup');
    assert.equal(vms.size, 3);
  });
});
