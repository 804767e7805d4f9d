// A connection whose host has a self-signed certificate (every XCP-ng host's, out of the box): the tree shows the error
// with the thumbprint the host presented, and "Pin This Certificate…" pins it in connections.yaml after a confirmation.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { VmBackupApi } from '../../../src/extension';
import { CONNECTIONS_FILE, passwordEnvName } from '../../../src/core/connections';
import type { ConnectionNode, ErrorNode, InfraNode } from '../../../src/views/nodes';
import { selfSignedFront } from '../selfSignedFront';
import { answer, restorePrompts, shown, waitFor } from './stubs';

const EXT_ID = 'vmbackup.vm-backup-explorer';

describe('Pin This Certificate in VS Code', function () {
  this.timeout(60_000);
  let api: VmBackupApi;
  before(async () => {
    api = await vscode.extensions.getExtension<VmBackupApi>(EXT_ID)!.activate();
    await waitFor(() => api.connections.connections.length > 0, 'the lab connection');
  });
  afterEach(() => restorePrompts());

  it('shows the self-signed certificate\'s thumbprint on the connection\'s error, pins it after a confirmation, and the pool appears', async () => {
    const labUrl = process.env.VMBACKUP_E2E_LAB_URL!;
    const password = process.env[passwordEnvName('lab')]!;
    assert.ok(labUrl && password, 'the e2e runner hands over the lab URL and password');
    const front = await selfSignedFront(labUrl);
    const infra = api.trees.infrastructure;
    try {
      await api.connections.add({ name: 'lab-tls', platform: 'xen', url: front.url, username: 'root' }, password);
      infra.refresh();
      const conn = (await infra.getChildren()).find((n): n is ConnectionNode => n.kind === 'connection' && n.connection === 'lab-tls');
      assert.ok(conn, 'the new connection is in the tree');
      const [err] = await infra.getChildren(conn) as ErrorNode[];
      assert.equal(err?.kind, 'error');
      assert.match(err.message, /^connection "lab-tls": DEPTH_ZERO_SELF_SIGNED_CERT self[- ]signed certificate/);
      assert.ok(err.message.includes(`presented a certificate with SHA-256 ${front.sha256}`), err.message);
      assert.deepEqual(err.untrusted, {
        connection: 'lab-tls', host: new URL(front.url).host, thumbprint: front.sha256,
        howToCheck: 'openssl x509 -noout -fingerprint -sha256 -in /etc/xensource/xapi-ssl.pem',
      });
      assert.match(String(infra.getTreeItem(err).contextValue), /(^|;)canPinCertificate(;|$)/);

      answer({ confirm: ['Pin Certificate'] });
      await vscode.commands.executeCommand('vmbackup.pinCertificate', err);
      assert.equal(shown.length, 1, JSON.stringify(shown));
      assert.ok(shown[0].modal, 'the confirmation is modal');
      assert.equal(shown[0].message, `Pin the certificate of ${new URL(front.url).host} for connection "lab-tls"?`);
      assert.match(String(shown[0].detail), new RegExp(`SHA-256 ${front.sha256}[\\s\\S]*openssl x509 -noout -fingerprint -sha256 -in /etc/xensource/xapi-ssl.pem`));

      const root = vscode.workspace.workspaceFolders![0].uri.fsPath;
      const yaml = fs.readFileSync(path.join(root, CONNECTIONS_FILE), 'utf8');
      assert.match(yaml, /^# VM Backup Explorer connections/, 'the file\'s comment is kept');
      assert.ok(yaml.includes(`thumbprint: ${front.sha256}`), yaml);
      assert.equal(api.connections.get('lab-tls')?.thumbprint, front.sha256);
      assert.equal(api.connections.get('lab')?.thumbprint, undefined, 'the other connection is untouched');

      const again = (await infra.getChildren()).find((n): n is ConnectionNode => n.kind === 'connection' && n.connection === 'lab-tls')!;
      const pools = await infra.getChildren(again) as InfraNode[];
      assert.deepEqual(pools.map((n) => n.kind), ['pool'], JSON.stringify(pools));
    } finally {
      await api.connections.remove('lab-tls').catch(() => undefined);
      infra.refresh();
      await front.close();
    }
  });

  it('a declined confirmation pins nothing', async () => {
    const front = await selfSignedFront(process.env.VMBACKUP_E2E_LAB_URL!);
    try {
      await api.connections.add({ name: 'lab-tls-2', platform: 'xen', url: front.url, username: 'root' }, process.env[passwordEnvName('lab')]!);
      const infra = api.trees.infrastructure;
      infra.refresh();
      const conn = (await infra.getChildren()).find((n): n is ConnectionNode => n.kind === 'connection' && n.connection === 'lab-tls-2')!;
      const [err] = await infra.getChildren(conn) as ErrorNode[];
      answer({ confirm: [undefined as unknown as string] });
      await vscode.commands.executeCommand('vmbackup.pinCertificate', err);
      assert.equal(shown.length, 1);
      assert.equal(api.connections.get('lab-tls-2')?.thumbprint, undefined);
    } finally {
      await api.connections.remove('lab-tls-2').catch(() => undefined);
      api.trees.infrastructure.refresh();
      await front.close();
    }
  });
});
