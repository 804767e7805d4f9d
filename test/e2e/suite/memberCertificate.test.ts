// Issue #11 item 15 in VS Code: a backup refused by a pool member's self-signed certificate (after the master's 302)
// fails with the member named, and the failure notification — and the failed job in the Jobs view — offer
// "Pin This Certificate…", which runs the pin flow (modal confirmation, thumbprint: in connections.yaml).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { VmBackupApi } from '../../../src/extension';
import { CONNECTIONS_FILE } from '../../../src/core/connections';
import type { FinishedJobNode, VmNode } from '../../../src/views/nodes';
import { XapiLab, startXapiLab } from '../../lab/xapi';
import { selfSigned } from '../../lab/selfSigned';
import { startRpcRewriter } from '../../integration/rpcRewriter';
import { haltedVmOn } from '../../integration/labPlacement';
import { answer, labApi, restorePrompts, shown, waitFor } from './stubs';
import { vmNodes } from './trees';
import { tempDir } from '../../tempDir';

const PASSWORD = 'member-cert-e2e-Px7';

describe("Pin This Certificate… on a job failed on a pool member's certificate", function () {
  this.timeout(120_000);
  let api: VmBackupApi;
  let lab: XapiLab | undefined;
  let front: Awaited<ReturnType<typeof startRpcRewriter>> | undefined;
  before(async () => {
    api = await labApi();
  });
  afterEach(async () => {
    restorePrompts();
    await api.connections.remove('lab-member').catch(() => undefined);
    api.trees.infrastructure.refresh();
    await front?.close();
    await lab?.close();
  });

  async function vmNode(connection: string, uuid: string): Promise<VmNode> {
    const found = await vmNodes(api, connection);
    const vm = found.find((n) => n.vm.uuid === uuid);
    assert.ok(vm, `VM ${uuid} is in the tree: ${JSON.stringify(found.map((n) => n.vm.uuid))}`);
    return vm;
  }

  it('names the member, offers the pin on the notification and the Jobs view, pins after the modal confirmation, and the backup then works', async () => {
    const master = selfSigned('master');
    const member1 = selfSigned('member1');
    const member2 = selfSigned('member2');
    lab = await startXapiLab({ tls: [master, member1, member2], password: PASSWORD, taskStepMs: 5 });
    // The master as the client sees it: http on its own loopback address, on the pool's port (redirects keep the port).
    front = await startRpcRewriter(lab.url, { host: '127.0.0.5', port: lab.port });
    const repository = tempDir('vmbackup-e2e-member-');
    await api.connections.add(
      { name: 'lab-member', platform: 'xen', url: front.url, username: 'root', repository, maxRetries: 0 },
      PASSWORD,
    );
    const target = haltedVmOn(lab, 1);
    const node = await vmNode('lab-member', target.uuid);

    answer({ error: ['Pin This Certificate…'], confirm: ['Pin Certificate'] });
    const before = new Set(api.jobs.finished.map((r) => r.id));
    await vscode.commands.executeCommand('vmbackup.backupVm', node);
    await waitFor(
      () => api.connections.get('lab-member')?.thumbprint,
      'the pin written after the confirmation',
      30_000,
    );

    const failure = shown.find((s) => s.level === 'error');
    assert.ok(failure, JSON.stringify(shown));
    assert.match(failure.message, /failed — .*DEPTH_ZERO_SELF_SIGNED_CERT pool member xcp-host-02 \(127\.0\.0\.2\)/);
    assert.ok(failure.message.includes(member1.sha256), failure.message);
    assert.deepEqual(failure.items, ['Pin This Certificate…', 'Show Log']);
    const confirmation = shown.find((s) => s.level === 'warning' && s.modal);
    assert.ok(confirmation, JSON.stringify(shown));
    assert.match(
      String(confirmation.detail),
      new RegExp(
        `Pool member xcp-host-02 \\(127\\.0\\.0\\.2\\) refused the transfer with a certificate of SHA-256 ${member1.sha256}`,
      ),
    );

    // Over http the master has no certificate: the pin is the member's thumbprint (memberCertificate.ts).
    assert.equal(api.connections.get('lab-member')?.thumbprint, member1.sha256);
    const yaml = fs.readFileSync(path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, CONNECTIONS_FILE), 'utf8');
    assert.ok(yaml.includes(`thumbprint: ${member1.sha256}`), yaml);

    const failed = api.jobs.finished.find((r) => !before.has(r.id) && r.state === 'failed');
    assert.ok(failed, 'the failed job is in the history');
    const jobNode: FinishedJobNode = { kind: 'record', key: `job:${failed.id}`, record: failed };
    assert.match(
      String(api.trees.jobs.getTreeItem(jobNode).contextValue),
      /(^|;)canPinCertificate(;|$)/,
      'the Jobs view offers the pin too',
    );
    const pkg = vscode.extensions.getExtension('vmbackup.vm-backup-explorer')!.packageJSON as {
      contributes: { menus: Record<string, Array<{ command: string; when?: string }>> };
    };
    assert.ok(
      pkg.contributes.menus['view/item/context'].some(
        (m) => m.command === 'vmbackup.pinCertificate' && m.when?.includes('view == vmbackup.jobs'),
      ),
    );

    // With the pin, the same backup goes through: the member is checked against what the master reports.
    answer({});
    const again = new Set(api.jobs.finished.map((r) => r.id));
    await vscode.commands.executeCommand('vmbackup.backupVm', await vmNode('lab-member', target.uuid));
    const second = api.jobs.finished.find((r) => !again.has(r.id));
    assert.equal(second?.state, 'succeeded', JSON.stringify(second?.error));
  });
});
