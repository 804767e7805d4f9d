// A datastore mounted on one host only names that host (Datastore.host, summary.multipleHostAccess false), in the
// provider's storage list and in `vmbackup storage`, as a Xen local SR names its host; LocalDS_0, which every host
// mounts (model.go createLocalDatastore), is shared. Each host gets a local datastore of its own through
// HostDatastoreSystem.CreateLocalDatastore (vSphere API reference; vcsim host_datastore_system.go).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { runCli } from './cliRun';
import {
  VCSIM_PASSWORD,
  VmwareFixture,
  newProvider,
  startVmwareFixture,
  stopVmwareFixture,
  vcsimConnection,
} from './vmwareFixture';
import { saveConnections } from '../../src/core/connections';
import { VmwareProvider } from '../../src/providers/vmware/vmwareProvider';
import { retrieveFromContainer } from '../../src/providers/vmware/vimPropertyCollector';
import { asMoRef } from '../../src/providers/vmware/vimValue';
import { el } from '../../src/providers/vmware/vimSoap';
import { tempDir } from '../tempDir';

describe('vSphere local datastores name their host (vcsim)', function () {
  this.timeout(300_000);
  let f: VmwareFixture | undefined;
  let p: VmwareProvider | undefined;
  let ws: string | undefined;
  const dirs: string[] = [];
  const hostNames: string[] = [];

  before(async () => {
    f = await startVmwareFixture({ dc: 1, cluster: 1, clusterHost: 2, host: 1, vm: 1, ds: 1 });
    const hosts = await retrieveFromContainer(f.client, f.client.content.rootFolder, [
      { type: 'HostSystem', pathSet: ['name', 'configManager.datastoreSystem'] },
    ]);
    for (const h of hosts) {
      const name = String(h.props.name);
      const dir = tempDir('vmbackup-localds-');
      dirs.push(dir);
      hostNames.push(name);
      const dss = asMoRef(h.props['configManager.datastoreSystem'], 'datastoreSystem');
      await f.client.invoke('CreateLocalDatastore', dss, el('name', `${name}-local`) + el('path', dir));
    }
    p = newProvider(f.sim);
    await p.connect();
    ws = tempDir('vmbackup-ws-localds-');
    saveConnections(ws, [vcsimConnection(f.sim, 'backups')]);
  });
  after(async () => {
    await p?.disconnect().catch(() => undefined);
    await stopVmwareFixture(f);
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    if (ws) fs.rmSync(ws, { recursive: true, force: true });
  });

  it('the provider: each host-local datastore with its host; the datastore every host mounts is shared', async () => {
    assert.deepEqual([...hostNames].sort(), ['DC0_C0_H0', 'DC0_C0_H1', 'DC0_H0']);
    const storage = await p!.listStorage();
    const shared = storage.find((s) => s.name === 'LocalDS_0');
    assert.ok(shared, 'LocalDS_0 listed');
    assert.equal(shared.shared, true);
    assert.equal(shared.hostName, undefined);
    for (const host of hostNames) {
      const local = storage.find((s) => s.name === `${host}-local`);
      assert.ok(local, `${host}-local listed`);
      assert.equal(local.shared, false);
      assert.equal(local.hostName, host);
      assert.match(local.hostId ?? '', /^host-/);
    }
  });

  it('vmbackup storage: "local to <host>" for each, "shared" for LocalDS_0', async () => {
    const { stdout } = await runCli(['storage'], { ws: ws!, env: { VMBACKUP_PASSWORD_VC: VCSIM_PASSWORD } });
    for (const host of hostNames)
      assert.match(stdout, new RegExp(`^"${host}-local" · \\S+ · local to ${host} · `, 'm'));
    assert.match(stdout, /^"LocalDS_0" · \S+ · shared · /m);
  });
});
