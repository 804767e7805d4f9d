// Add Connection asks the platform first, then that platform's own URL prompt; a vSphere connection added against
// VMware's simulator (vcsim, self-signed certificate) offers Pin This Certificate… with the thumbprint, and after the
// pin its datacenter shows in the tree.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { VmBackupApi } from '../../../src/extension';
import { CONNECTIONS_FILE } from '../../../src/core/connections';
import { PIN_ACTION } from '../../../src/core/pinRequest';
import type { InfraNode } from '../../../src/views/nodes';
import { Vcsim, startVcsim } from '../../peers/vcsim/vcsim';
import { answer, labApi, restorePrompts, shown } from './stubs';
import { connectionNode } from './trees';

describe('Add Connection for every platform', function () {
  this.timeout(240_000);
  let api: VmBackupApi;
  let vcsim: Vcsim;
  const picks: string[][] = [];
  before(async () => {
    api = await labApi();
    vcsim = await startVcsim({ username: 'vsphere-admin', password: 'vc-secret-1' });
  });
  after(async () => {
    await vcsim?.close();
  });
  afterEach(async () => {
    restorePrompts();
    await api.connections.remove('vc-added').catch(() => undefined);
    api.trees.infrastructure.refresh();
  });

  const childrenOf = async (name: string): Promise<InfraNode[]> =>
    api.trees.infrastructure.getChildren(await connectionNode(api, name));

  it('adds a vSphere connection to vcsim: platform pick, bare host completed to /sdk, certificate pinned after the prompt', async () => {
    const host = new URL(vcsim.url).host;
    answer({
      pick: [
        (items) => {
          picks.push(items.map((i) => i.label));
          return items.find((i) => i.label === 'VMware vSphere (vCenter or ESXi)');
        },
      ],
      input: ['vc-added', host, 'vsphere-admin', 'vc-secret-1'],
      confirm: [PIN_ACTION, 'Pin Certificate'],
    });
    await vscode.commands.executeCommand('vmbackup.addConnection');
    assert.deepEqual(picks[0], [
      'Citrix Hypervisor / XCP-ng',
      'VMware vSphere (vCenter or ESXi)',
      'Oracle VM Manager 3.4',
    ]);
    assert.equal(shown.length, 2, JSON.stringify(shown));
    assert.ok(shown[0].modal);
    assert.equal(shown[0].message, `The certificate of ${host} is not trusted (SHA-256 ${vcsim.sha256}).`);
    assert.deepEqual(shown[0].items, [PIN_ACTION]);
    assert.equal(shown[1].message, `Pin the certificate of ${host} for connection "vc-added"?`);

    const profile = api.connections.get('vc-added');
    assert.deepEqual(profile, {
      name: 'vc-added',
      platform: 'vmware',
      url: `https://${host}/sdk`,
      username: 'vsphere-admin',
      thumbprint: vcsim.sha256,
    });
    const root = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const yaml = fs.readFileSync(path.join(root, CONNECTIONS_FILE), 'utf8');
    assert.ok(!yaml.includes('vc-secret-1'), 'the password is not in connections.yaml');

    const top = await childrenOf('vc-added');
    assert.deepEqual(
      top.map((n) => (n.kind === 'container' ? [n.container.kind, n.container.name] : [n.kind])),
      [['datacenter', 'DC0'], ['storageGroup']],
      JSON.stringify(top),
    );
  });

  it('a declined pin adds the connection unpinned: its node shows the certificate error', async () => {
    answer({
      pick: [(items) => items.find((i) => i.label === 'VMware vSphere (vCenter or ESXi)')],
      input: ['vc-added', vcsim.url, 'vsphere-admin', 'vc-secret-1'],
      confirm: [undefined as unknown as string],
    });
    await vscode.commands.executeCommand('vmbackup.addConnection');
    assert.equal(api.connections.get('vc-added')?.thumbprint, undefined);
    assert.equal(api.connections.get('vc-added')?.url, vcsim.url);
    assert.deepEqual(await childrenOf('vc-added'), [], 'no row below the connection');
    const conn = await connectionNode(api, 'vc-added');
    assert.equal(conn.failure?.kind, 'certificate');
    assert.match(String(api.trees.infrastructure.getTreeItem(conn).contextValue), /(^|;)canPinCertificate(;|$)/);
  });
});
