// An Oracle VM Manager inside the real VS Code: the suite starts the REST lab (test/lab/ovm) itself and adds the
// connection through the extension's API (password into SecretStorage, thumbprint pinned), then reads the
// Infrastructure tree's Storage group down to a repository's virtual disks, and the Jobs view's "Manager jobs" group
// showing a job the test started over REST.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { VmBackupApi } from '../../../src/extension';
import type { InfraNode, JobNode, PlatformJobGroupNode, StorageGroupNode, StorageNode } from '../../../src/views/nodes';
import { OvmLab, SEED, startOvmLab } from '../../lab/ovm';
import { labApi, waitFor } from './stubs';
import { connectionNode } from './trees';

const NAME = 'ovm-e2e';
const PASSWORD = 'e2e-ovm-pw-3402';

describe('Oracle VM Manager in VS Code: Storage with a repository’s virtual disks, Manager jobs in the Jobs view', function () {
  this.timeout(120_000);
  let api: VmBackupApi;
  let lab: OvmLab;

  before(async () => {
    api = await labApi();
    // Steps of 2 s: a started job stays RUNNING long enough to be seen by the view's listing.
    lab = await startOvmLab({ password: PASSWORD, jobStepMs: 2_000 });
    await api.connections.add(
      { name: NAME, platform: 'oraclevm', url: lab.url, username: 'admin', thumbprint: lab.thumbprint },
      PASSWORD,
    );
    api.trees.infrastructure.refresh();
  });
  after(async () => {
    await api?.connections.remove(NAME).catch(() => undefined);
    api?.trees.infrastructure.refresh();
    await lab?.close();
  });

  const infra = () => api.trees.infrastructure;
  const label = (n: InfraNode) => String(infra().getTreeItem(n).label);
  const described = (n: InfraNode) => `${label(n)} — ${String(infra().getTreeItem(n).description ?? '')}`;

  it('ends the connection with a Storage group: the repositories, and under repo1 its VM files, virtual disks with their VMs and the ISO', async () => {
    const top = await infra().getChildren(await connectionNode(api, NAME));
    assert.deepEqual(
      top.map((n) => (n.kind === 'container' ? n.container.name : label(n))),
      [SEED.pool, 'Storage'],
    );
    const repos = (await infra().getChildren(top[1] as StorageGroupNode)) as StorageNode[];
    assert.deepEqual(repos.map(described), [
      // Free of size: the lab's FileSystem objects (freeSize / size of each repository's fileSystemId).
      `${SEED.backupRepository} — repository · 1.6 TiB free of 2.0 TiB · shared`,
      `${SEED.repository} — repository · 400.0 GiB free of 500.0 GiB · shared`,
    ]);
    const repo1 = repos.find((r) => r.storage.name === SEED.repository)!;
    assert.equal(infra().getTreeItem(repo1).collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    const rows = (await infra().getChildren(repo1)).map(described);
    for (const want of [
      `${SEED.running} — VM files`,
      `${SEED.stopped} — VM files`,
      `web01_disk0.img — virtual disk · 256.0 KiB · used by ${SEED.running}`,
      `web01_disk1.img — virtual disk · 256.0 KiB · used by ${SEED.running}`,
      `db01_disk0.img — virtual disk · 256.0 KiB · used by ${SEED.stopped}`,
      `${SEED.iso} — ISO · 4.0 MiB · unused`,
    ])
      assert.ok(rows.includes(want), `${want} in:\n${rows.join('\n')}`);
    const disk = (await infra().getChildren(repo1)).find((n) => label(n) === 'web01_disk0.img')!;
    assert.match(
      String(infra().getTreeItem(disk).tooltip),
      /^web01_disk0\.img\nid: \S+\.img\npath: \/VirtualDisks\/\S+\.img\nVMs: web01$/,
    );
    // The hostile VM name is shown escaped (no raw newline in a tree row).
    assert.ok(
      rows.every((r) => !r.includes('\n')),
      rows.join('\n'),
    );
  });

  it('shows "ovm-e2e: Manager jobs" in the Jobs view with a job started over REST, running with its progress message, then succeeded', async () => {
    await api.connections.provider(NAME); // the group lists connected connections only
    await vscode.commands.executeCommand('vmbackup.jobs.focus');
    const jobs = api.trees.jobs;
    const group = await waitFor(
      () =>
        jobs.getChildren().find((n): n is PlatformJobGroupNode => n.kind === 'platformJobs' && n.connection === NAME),
      'the Manager jobs group (listed while the Jobs view is visible)',
    );
    assert.equal(String(jobs.getTreeItem(group).label), `${NAME}: Manager jobs`);
    const db = lab.store.vmByName(SEED.stopped);
    const pool = lab.store.all('ServerPool')[0].id.value;
    const started = await fetchJson(
      `${lab.url}/Vm/${encodeURIComponent(db.id.value)}/clone?serverPoolId=${pool}&createTemplate=false`,
    );
    const rowOf = (state: string) => () => {
      const g = jobs.getChildren().find((n) => n.kind === 'platformJobs' && n.connection === NAME);
      const row = g && jobs.getChildren(g).find((n: JobNode) => n.kind === 'platformJob' && n.job.id === started);
      return row && row.kind === 'platformJob' && row.job.state === state ? row : undefined;
    };
    const running = await waitFor(rowOf('running'), 'the clone RUNNING in the Manager jobs group', 60_000);
    const item = jobs.getTreeItem(running);
    assert.equal(String(item.label), `Clone Vm: ${SEED.stopped}`);
    assert.match(String(item.tooltip), /^Clone Vm: db01\nRUNNING \(running\)\nprogress: Cloning virtual disk 1 of 1\n/);
    await waitFor(rowOf('succeeded'), 'the clone SUCCESS in the Manager jobs group', 90_000);
  });

  /** PUT over the lab's REST as any client would (Basic, the lab's certificate accepted for this request only). */
  async function fetchJson(url: string): Promise<string> {
    const https = await import('node:https');
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        {
          method: 'PUT',
          rejectUnauthorized: false,
          headers: {
            Accept: 'application/json',
            Authorization: `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`,
          },
        },
        (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => {
            try {
              resolve((JSON.parse(body) as { id: { value: string } }).id.value);
            } catch (err) {
              reject(err as Error);
            }
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
  }
});
