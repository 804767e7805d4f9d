// vm.cfg reading and the restore's edits: quoted strings with escapes, hostile names, disk and vif lines.
import * as assert from 'node:assert/strict';
import { VendorError } from '../../../src/core/errors';
import { editVmCfg, parseStrings, vmCfgDisks, vmCfgVifs } from '../../../src/providers/oraclevm/ovmVmCfg';
import { checkSegment, diskPath } from '../../../src/providers/oraclevm/ovmRepositoryFiles';

const CFG = [
  "name = '0000060000aa'",
  'OVM_simple_name = "db01"',
  "uuid = '0004fb0000060000aa'",
  'memory = 2048',
  'disk = [\'file:/OVS/Repositories/r1/VirtualDisks/d1.img,xvda,w\', "file:/OVS/Repositories/r1/ISOs/x.iso,xvdb:cdrom,r"]',
  "vif = ['mac=00:21:f6:00:00:01,bridge=net-a', 'mac=00:21:f6:00:00:02,bridge=net-c']",
  "on_crash = 'restart'",
  '',
].join('\n');

describe('Oracle VM vm.cfg', () => {
  it('reads one-line lists of single- and double-quoted strings with escapes; anything else is not a list', () => {
    assert.deepEqual(parseStrings(`['a\\'b', "c\\"d", '\\x41\\n']`), ["a'b", 'c"d', 'A\n']);
    assert.deepEqual(parseStrings(`'one'`), ['one']);
    assert.equal(parseStrings(`['a' + 'b']`), undefined);
    assert.equal(parseStrings(`['unterminated]`), undefined);
    assert.equal(parseStrings(`__import__('os')`), undefined);
  });

  it('lists the disk entries; a disk entry that is not file:<path>,<dev>,<mode> is refused', () => {
    assert.deepEqual(vmCfgDisks(CFG), [
      { path: '/OVS/Repositories/r1/VirtualDisks/d1.img', device: 'xvda', mode: 'w' },
      { path: '/OVS/Repositories/r1/ISOs/x.iso', device: 'xvdb:cdrom', mode: 'r' },
    ]);
    assert.throws(
      () => vmCfgDisks("disk = ['phy:/dev/sda,xvda,w']"),
      (e: unknown) => e instanceof VendorError && e.code === 'UNSAFE_VM_CFG',
    );
  });

  it('edits id, name, disks and networks, keeps MACs only when asked, and every other line byte for byte; a hostile name stays one quoted line', () => {
    const name = `x"; import os\nos.system('id') #`;
    const out = editVmCfg(CFG, {
      vmId: 'NEW',
      displayName: name,
      disks: [{ path: '/OVS/Repositories/r2/VirtualDisks/n1.img', device: 'xvda', mode: 'w' }],
      networks: { '0': 'net-b' },
      keepMacs: false,
    });
    const lines = out.split('\n');
    assert.equal(lines.length, CFG.split('\n').length);
    assert.equal(lines[0], 'name = "NEW"');
    assert.equal(lines[2], 'uuid = "NEW"');
    assert.deepEqual(parseStrings(lines[1].replace(/^OVM_simple_name = /, '')), [name]);
    assert.equal(lines[4], 'disk = ["file:/OVS/Repositories/r2/VirtualDisks/n1.img,xvda,w"]');
    const vifs = parseStrings(lines[5].replace(/^vif = /, ''))!;
    assert.match(vifs[0], /^mac=00:21:f6:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2},bridge=net-b$/);
    assert.doesNotMatch(vifs[0], /00:21:f6:00:00:01/);
    assert.match(vifs[1], /,bridge=net-c$/);
    assert.equal(lines[3], 'memory = 2048');
    assert.equal(lines[6], "on_crash = 'restart'");
    const kept = editVmCfg(CFG, { vmId: 'N', displayName: 'n', disks: [], networks: {}, keepMacs: true });
    assert.match(kept, /mac=00:21:f6:00:00:01,bridge=net-a/);
    // A Manager id: `name` the 32 hex, `uuid` the same dashed 8-4-4-4-12 (NesManrique/ovmcopyvms move_machines.py).
    const id = editVmCfg(CFG, {
      vmId: '0004fb00000600001234567890abcdef',
      displayName: 'n',
      disks: [],
      networks: {},
      keepMacs: true,
    }).split('\n');
    assert.equal(id[0], 'name = "0004fb00000600001234567890abcdef"');
    assert.equal(id[2], 'uuid = "0004fb00-0006-0000-1234-567890abcdef"');
  });

  it('lists the vif entries (MAC, bridge) by index; a second NIC on the same bridge is mapped on its own', () => {
    assert.deepEqual(vmCfgVifs(CFG), [
      { mac: '00:21:f6:00:00:01', bridge: 'net-a' },
      { mac: '00:21:f6:00:00:02', bridge: 'net-c' },
    ]);
    const same = "vif = ['mac=00:21:f6:00:00:01,bridge=net-a', 'mac=00:21:f6:00:00:02,bridge=net-a']";
    const out = editVmCfg(same, { vmId: 'N', displayName: 'n', disks: [], networks: { '1': 'net-b' }, keepMacs: true });
    assert.deepEqual(
      vmCfgVifs(out).map((v) => v.bridge),
      ['net-a', 'net-b'],
    );
    assert.deepEqual(vmCfgVifs('memory = 1'), []);
  });

  it('ids and disk paths from the Manager must be plain file names', () => {
    assert.equal(checkSegment('0004fb00000600006f8e65a5d245ea0c', 'VM id'), '0004fb00000600006f8e65a5d245ea0c');
    for (const bad of ['..', '.', 'a/b', 'a\nb', '', 'x'.repeat(129)])
      assert.throws(() => checkSegment(bad, 'VM id'), /UNSAFE_REPOSITORY_PATH/);
    const disk = (p: string) => ({
      id: { type: 't', value: 'v' },
      name: 'd',
      diskType: '',
      size: 0,
      path: p,
      vmDiskMappingIds: [],
    });
    assert.equal(diskPath(disk('/VirtualDisks/0004fb.img')), 'VirtualDisks/0004fb.img');
    for (const bad of ['/VirtualDisks/../x', '/etc/passwd', '/VirtualDisks/a/b.img', '/VirtualDisks/..'])
      assert.throws(() => diskPath(disk(bad)), /UNSAFE_REPOSITORY_PATH/);
  });
});
