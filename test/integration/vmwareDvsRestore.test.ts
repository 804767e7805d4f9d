import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { saveConnections } from '../../src/core/connections';
import { CatalogEntry } from '../../src/core/repository';
import { VmwareProvider } from '../../src/providers/vmware/vmwareProvider';
import { readInventory } from '../../src/providers/vmware/vmwareInventory';
import { retrieveObject } from '../../src/providers/vmware/vimPropertyCollector';
import { VimObject, asList, asMoRef, asObject } from '../../src/providers/vmware/vimValue';
import { VsphereInventory } from '../../src/providers/vmware/vmwareRecords';
import { runCli } from './cliRun';
import { writeVmxWithNics } from '../peers/vcsim/vcsimRestoreTargets';
import { VCSIM_PASSWORD, VmwareFixture, loggingCtx, vcsimConnection, vcsimSuite } from './vmwareFixture';
import { tempDir } from '../tempDir';

describe('vSphere image restore: a NIC mapped to a distributed port group (vcsim DVS0 / DC0_DVPG0)', function () {
  const fixture = vcsimSuite(this, {});
  let f: VmwareFixture;
  let p: VmwareProvider;
  let inv: VsphereInventory;
  let ws: string;
  let backup: CatalogEntry;
  let port: { switchUuid: string; portgroupKey: string };
  const dsDir = (name: string) => inv.datastores.find((d) => d.name === name)!.url!;

  /** The registered VM's devices (config.hardware.device), by device key. */
  async function cards(vmId: string): Promise<Map<number, VimObject>> {
    const o = await retrieveObject(f.client, { type: 'VirtualMachine', value: vmId }, ['config.hardware.device']);
    const devices = asList(o?.props['config.hardware.device']).map((d) => asObject(d, 'VirtualDevice'));
    return new Map(devices.map((d) => [Number(d.key), d]));
  }

  before(async () => {
    f = fixture();
    inv = await readInventory(f.client);
    ws = tempDir('vmbackup-vc-dvs-');
    p = new VmwareProvider(vcsimConnection(f.sim), { password: VCSIM_PASSWORD });
    await p.connect();
    // The port group's key and its switch's uuid, read here independently of the product.
    const pg = inv.networks.find((n) => n.name === 'DC0_DVPG0')!;
    assert.equal(pg.type, 'DistributedVirtualPortgroup');
    const pgProps = await retrieveObject(f.client, { type: pg.type, value: pg.id }, ['key', 'config']);
    const dvs = asMoRef(asObject(pgProps!.props.config, 'config').distributedVirtualSwitch, 'dvs');
    const dvsProps = await retrieveObject(f.client, dvs, ['uuid', 'name']);
    assert.equal(dvsProps!.props.name, 'DVS0');
    port = { switchUuid: String(dvsProps!.props.uuid), portgroupKey: String(pgProps!.props.key) };
    writeVmxWithNics(
      dsDir('LocalDS_0'),
      'DC0_H0_VM0',
      ['VM Network', 'VM Network'],
      ['scsi0:0.fileName = "disk1.vmdk"'],
    );
    backup = await p.backupVm(
      inv.vms.find((v) => v.name === 'DC0_H0_VM0')!.id,
      { repository: path.join(ws, 'backups') },
      loggingCtx(),
    );
    saveConnections(ws, [vcsimConnection(f.sim, 'backups')]);
  });
  after(async () => {
    await p?.disconnect();
    if (ws) fs.rmSync(ws, { recursive: true, force: true });
  });

  it('ethernet0 → DC0_DVPG0: the registered VM\'s card has a distributed port backing; ethernet1 stays on "VM Network"', async () => {
    const ctx = loggingCtx();
    const vm = await p.restoreVm(backup, { name: 'on-dvs', networkMap: { ethernet0: 'DC0_DVPG0' } }, ctx);
    const now = await cards(vm.id);
    const b0 = asObject(now.get(4000)?.backing, 'backing');
    assert.equal(b0._type, 'VirtualEthernetCardDistributedVirtualPortBackingInfo', JSON.stringify(b0));
    const conn = asObject(b0.port, 'port');
    assert.deepEqual({ switchUuid: conn.switchUuid, portgroupKey: conn.portgroupKey }, port);
    const b1 = asObject(now.get(4001)?.backing, 'backing');
    assert.equal(b1._type, 'VirtualEthernetCardNetworkBackingInfo');
    assert.equal(b1.deviceName, 'VM Network');
    assert.match(ctx.logs.join('\n'), /ReconfigVM_Task: ethernet0 to distributed port groups/);
    // A standard port group keeps the .vmx path: the uploaded .vmx still names "VM Network" for ethernet1.
    const vmx = fs.readFileSync(path.join(dsDir('LocalDS_0'), 'on-dvs', 'DC0_H0_VM0.vmx'), 'utf8');
    assert.match(vmx, /^ethernet1\.networkName = "VM Network"$/m);
  });

  it('a reconfigure that does not finish (cancelled) unregisters the VM and removes its directory', async () => {
    const abort = new AbortController();
    const ctx = loggingCtx(abort.signal);
    const log = ctx.log;
    ctx.log = (l) => {
      log(l);
      if (l.startsWith('ReconfigVM_Task')) abort.abort();
    };
    const err = await p.restoreVm(backup, { name: 'undone', networkMap: { ethernet0: 'DC0_DVPG0' } }, ctx).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err, 'the restore failed');
    assert.ok(
      ctx.logs.some((l) => l.startsWith('ReconfigVM_Task')),
      'it failed in the reconfigure, after RegisterVM_Task',
    );
    const after = await readInventory(f.client);
    assert.equal(
      after.vms.find((v) => v.name === 'undone'),
      undefined,
      'the registered VM is unregistered',
    );
    assert.equal(fs.existsSync(path.join(dsDir('LocalDS_0'), 'undone')), false, 'its directory is removed');
  });

  it('from the shell: `networks` lists DC0_DVPG0 and `restore --network ethernet0=DC0_DVPG0` connects it', async () => {
    const vmb = (args: string[]) => runCli(args, { ws, env: { VMBACKUP_PASSWORD: VCSIM_PASSWORD } });
    const { stdout: nets } = await vmb(['networks']);
    assert.match(nets, /^"DC0_DVPG0" · DistributedVirtualPortgroup · /m);
    const { stdout } = await vmb([
      'restore',
      backup.id,
      '--name',
      'dvs-shell',
      '--network',
      'ethernet0=DC0_DVPG0',
      '--json',
    ]);
    const vm = JSON.parse(stdout) as { id: string };
    const b0 = asObject((await cards(vm.id)).get(4000)?.backing, 'backing');
    assert.equal(b0._type, 'VirtualEthernetCardDistributedVirtualPortBackingInfo');
    assert.equal(asObject(b0.port, 'port').portgroupKey, port.portgroupKey);
  });
});
