// A connection whose host has a self-signed certificate (every XCP-ng host's, out of the box): the connection's node shows
// the error with the thumbprint the host presented, and "Pin This Certificate…" on it pins it in connections.yaml after
// a confirmation.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { VmBackupApi } from '../../../src/extension';
import { CONNECTIONS_FILE, passwordEnvName } from '../../../src/core/connections';
import type { ConnectionNode, InfraNode } from '../../../src/views/nodes';
import { SelfSignedFront, selfSignedFront } from '../selfSignedFront';
import { answer, labApi, restorePrompts, shown } from './stubs';

describe('Pin This Certificate in VS Code', function () {
  this.timeout(60_000);
  let api: VmBackupApi;
  before(async () => {
    api = await labApi();
  });
  afterEach(() => restorePrompts());

  /** Runs `body` with connection `name` in the workspace, to a fresh self-signed https front of the lab; removes both after. */
  async function withSelfSignedConnection(
    name: string,
    body: (front: SelfSignedFront) => Promise<void>,
  ): Promise<void> {
    const labUrl = process.env.VMBACKUP_E2E_LAB_URL!;
    const password = process.env[passwordEnvName('lab')]!;
    assert.ok(labUrl && password, 'the e2e runner hands over the lab URL and password');
    const front = await selfSignedFront(labUrl);
    try {
      await api.connections.add({ name, platform: 'xen', url: front.url, username: 'root' }, password);
      await body(front);
    } finally {
      await api.connections.remove(name).catch(() => undefined);
      api.trees.infrastructure.refresh();
      await front.close();
    }
  }

  /** The Infrastructure tree's node of connection `name`. */
  async function connectionOf(name: string): Promise<ConnectionNode> {
    const conn = (await api.trees.infrastructure.getChildren()).find(
      (n): n is ConnectionNode => n.kind === 'connection' && n.connection === name,
    );
    assert.ok(conn, `connection "${name}" is in the tree`);
    return conn;
  }

  /** What the Infrastructure tree shows under connection `name` (from its cache, unless refreshed). */
  async function childrenOf(name: string): Promise<InfraNode[]> {
    return api.trees.infrastructure.getChildren(await connectionOf(name));
  }

  /** Connection `name` after its first level was asked for: it failed, and its node shows why. */
  async function failedConnection(name: string): Promise<ConnectionNode> {
    assert.deepEqual(await childrenOf(name), [], 'no error row, no stale row below the connection');
    const conn = await connectionOf(name);
    assert.ok(conn.failure, 'the connection node carries the failure');
    return conn;
  }

  it("shows the self-signed certificate's thumbprint on the connection's error, pins it after a confirmation, and the pool appears", async () => {
    await withSelfSignedConnection('lab-tls', async (front) => {
      const infra = api.trees.infrastructure;
      infra.refresh();
      const err = await failedConnection('lab-tls');
      const failure = err.failure!;
      assert.equal(failure.kind, 'certificate');
      assert.equal(failure.code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
      assert.match(failure.message, /^connection "lab-tls": DEPTH_ZERO_SELF_SIGNED_CERT self[- ]signed certificate/);
      assert.ok(failure.message.includes(`presented a certificate with SHA-256 ${front.sha256}`), failure.message);
      const item = infra.getTreeItem(err);
      assert.equal((item.iconPath as vscode.ThemeIcon).id, 'workspace-untrusted');
      assert.equal(item.description, 'certificate not trusted · DEPTH_ZERO_SELF_SIGNED_CERT');
      assert.deepEqual(failure.untrusted, {
        connection: 'lab-tls',
        host: new URL(front.url).host,
        thumbprint: front.sha256,
        howToCheck: 'openssl x509 -noout -fingerprint -sha256 -in /etc/xensource/xapi-ssl.pem',
      });
      assert.match(String(infra.getTreeItem(err).contextValue), /(^|;)canPinCertificate(;|$)/);

      answer({ confirm: ['Pin Certificate'] });
      await vscode.commands.executeCommand('vmbackup.pinCertificate', err);
      assert.equal(shown.length, 1, JSON.stringify(shown));
      assert.ok(shown[0].modal, 'the confirmation is modal');
      assert.equal(shown[0].message, `Pin the certificate of ${new URL(front.url).host} for connection "lab-tls"?`);
      assert.match(
        String(shown[0].detail),
        new RegExp(
          `SHA-256 ${front.sha256}[\\s\\S]*openssl x509 -noout -fingerprint -sha256 -in /etc/xensource/xapi-ssl.pem`,
        ),
      );

      const root = vscode.workspace.workspaceFolders![0].uri.fsPath;
      const yaml = fs.readFileSync(path.join(root, CONNECTIONS_FILE), 'utf8');
      assert.match(yaml, /^# VM Backup Explorer connections/, "the file's comment is kept");
      assert.ok(yaml.includes(`thumbprint: ${front.sha256}`), yaml);
      assert.equal(api.connections.get('lab-tls')?.thumbprint, front.sha256);
      assert.equal(api.connections.get('lab')?.thumbprint, undefined, 'the other connection is untouched');

      const pools = await childrenOf('lab-tls');
      assert.deepEqual(
        pools.map((n) => (n.kind === 'container' ? n.container.kind : n.kind)),
        ['pool', 'storageGroup'],
        JSON.stringify(pools),
      );
    });
  });

  it('a declined confirmation pins nothing', async () => {
    await withSelfSignedConnection('lab-tls-2', async () => {
      api.trees.infrastructure.refresh();
      const err = await failedConnection('lab-tls-2');
      answer({ confirm: [undefined as unknown as string] });
      await vscode.commands.executeCommand('vmbackup.pinCertificate', err);
      assert.equal(shown.length, 1);
      assert.equal(api.connections.get('lab-tls-2')?.thumbprint, undefined);
    });
  });
});
