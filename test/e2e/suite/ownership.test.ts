// Clean Up inside the real VS Code (issue #11): it deletes what the repository's journal names and the pool confirms,
// keeps a snapshot that only carries the tool's tag, and says so; a job that succeeded with warnings shows as such.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { VmBackupApi } from '../../../src/extension';
import type { XenProvider } from '../../../src/providers/xen/xenProvider';
import type { ConnectionNode, FinishedJobNode } from '../../../src/views/nodes';
import { Journal } from '../../../src/core/journal';
import { answer, labApi, restorePrompts, shown } from './stubs';

describe('Ownership in VS Code: Clean Up and succeeded-with-warnings', function () {
  this.timeout(120_000);
  let api: VmBackupApi;
  before(async () => {
    api = await labApi();
  });
  afterEach(() => restorePrompts());

  it("Clean Up on a connection deletes the snapshot a dead job's journal entry names, keeps one that only carries vmbackup:temporary, and says so", async () => {
    const xapi = ((await api.connections.provider('lab')) as unknown as XenProvider).xapi;
    const vms = await xapi.call<
      Record<
        string,
        {
          uuid: string;
          name_label: string;
          power_state: string;
          is_a_snapshot: boolean;
          is_a_template: boolean;
          is_control_domain: boolean;
        }
      >
    >('VM.get_all_records');
    const [vmRef, vm] = Object.entries(vms).find(
      ([, v]) => v.power_state === 'Running' && !v.is_control_domain && !v.is_a_template,
    )!;
    const journal = new Journal(api.connections.repositoryFor('lab')!);
    const entry = await journal.begin(
      { connection: 'lab', platform: 'xen', vm: { id: vmRef, uuid: vm.uuid, name: vm.name_label }, before: [] },
      (m) => `vmbackup-temp e2e ${m}`,
    );
    const [ours] = await xapi.callAsync('VM.snapshot', [vmRef, entry.name]);
    journal.release(entry); // its job "died" before recording the uuid: the marker in the name finds it
    const [tagged] = await xapi.callAsync('VM.snapshot', [vmRef, 'user snapshot with the tag']);
    await xapi.call('VM.add_to_other_config', tagged, 'vmbackup:temporary', 'true');

    try {
      answer({});
      const node: ConnectionNode = { kind: 'connection', key: 'c:lab', connection: 'lab' };
      await vscode.commands.executeCommand('vmbackup.cleanup', node);
      const after = await xapi.call<Record<string, unknown>>('VM.get_all_records');
      assert.ok(!(ours in after), 'the journalled snapshot is deleted');
      assert.ok(tagged in after, 'the tagged one is kept');
      // The snapshot and its disks are deleted; the tagged snapshot is kept.
      assert.ok(
        shown.some(
          (s) => s.level === 'info' && /deleted \d+/.test(s.message) && /kept 1 \(not proven ours\)/.test(s.message),
        ),
        JSON.stringify(shown),
      );
      const job = api.jobs.finished.find((r) => r.kind === 'cleanup');
      assert.equal(job?.state, 'succeeded');
      assert.ok(
        job?.log.some((l) => /deleted: snapshot "vmbackup-temp e2e .*the pool confirms/.test(l)),
        'one log line per item, with the proof',
      );
    } finally {
      // The UI script that runs next counts snapshots left behind.
      await xapi.callAsync('VM.destroy', [tagged]).catch(() => undefined);
    }
  });

  it('a job that succeeded with warnings shows a warning icon and its warnings in the Jobs view', () => {
    const record = {
      id: 'w',
      title: 'Back up web',
      kind: 'backup',
      context: {},
      state: 'succeeded-with-warnings' as const,
      log: [],
      warnings: ['disk "web disk 0" (u-1) is left for Clean Up'],
      created: new Date().toISOString(),
      started: new Date().toISOString(),
      finished: new Date().toISOString(),
    };
    const item = api.trees.jobs.getTreeItem({ kind: 'record', key: 'job:w', record } as FinishedJobNode);
    assert.match(String(item.description), /^succeeded with warnings/);
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'warning');
    assert.match(String(item.tooltip), /left for Clean Up/);
  });
});
