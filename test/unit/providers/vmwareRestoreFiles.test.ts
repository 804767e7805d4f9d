import { strict as assert } from 'node:assert';
import { restoredVmx, setVmxOptions, vmxEscape, vmxNetworks } from '../../../src/providers/vmware/vmwareVmx';
import { uploadOrder } from '../../../src/providers/vmware/vmwareRestore';

describe('vSphere .vmx edits for a restore', () => {
  it('escapes what a .vmx value cannot hold as VMware does (|XX), so a hostile name adds no line', () => {
    assert.equal(vmxEscape('a "b" | c\nuuid.action = "keep"#'), 'a |22b|22 |7C c|0Auuid.action = |22keep|22|23');
  });

  it('replaces an existing key (case-insensitively), appends a missing one, keeps every other line and the line ends', () => {
    const vmx = 'config.version = "8"\r\nDisplayName = "old"\r\nscsi0:0.fileName = "disk1.vmdk"\r\n';
    assert.equal(
      setVmxOptions(vmx, { displayName: 'new', 'uuid.action': 'create' }),
      'config.version = "8"\r\ndisplayName = "new"\r\nscsi0:0.fileName = "disk1.vmdk"\r\nuuid.action = "create"\r\n',
    );
    assert.throws(() => setVmxOptions(vmx, { 'a = "b"\nc': 'd' }), /not a \.vmx key/);
  });

  it('a copy next to its original gets uuid.action = "create"; a VM put back where it was keeps its uuid', () => {
    assert.match(restoredVmx('displayName = "vm"\n', { name: 'vm', copy: true }), /^uuid\.action = "create"$/m);
    assert.match(
      restoredVmx('displayName = "vm"\nuuid.action = "create"\n', { name: 'vm', copy: false }),
      /^uuid\.action = "keep"$/m,
    );
  });
});

describe('vSphere .vmx NICs and their networks', () => {
  it("reads each present NIC's networkName (unescaped, keys in any case); a NIC marked not present is left out", () => {
    const vmx = [
      'ethernet0.present = "TRUE"',
      'Ethernet0.networkName = "VM Network"',
      'ethernet1.present = "FALSE"',
      'ethernet1.networkName = "old"',
      'ethernet2.networkName = "a|22b"',
    ].join('\n');
    assert.deepEqual(vmxNetworks(vmx), { ethernet0: 'VM Network', ethernet2: 'a"b' });
  });
  it('a restore writes the mapped network of each NIC (escaped), other lines kept', () => {
    const out = restoredVmx('ethernet0.networkName = "VM Network"\nx = "1"\n', {
      name: 'n',
      copy: false,
      networks: { ethernet0: 'Backup "Net"' },
    });
    assert.match(out, /^ethernet0\.networkName = "Backup \|22Net\|22"$/m);
    assert.match(out, /^x = "1"$/m);
  });
});

describe('vSphere restore: the files of a backup', () => {
  const file = (name: string) => ({ name, bytes: 0, sha256: '' });

  it('uploads the disks first and the .vmx last', () => {
    assert.deepEqual(
      uploadOrder([file('ds/vm/vm.vmx'), file('ds/vm/vm.vmdk'), file('ds/vm/vm-flat.vmdk')]).map((f) => f.name),
      ['ds/vm/vm.vmdk', 'ds/vm/vm-flat.vmdk', 'ds/vm/vm.vmx'],
    );
  });

  it('refuses a manifest without one .vmx, with a climbing or control-character name, or two files of one name', () => {
    assert.throws(() => uploadOrder([file('ds/vm/vm.vmdk')]), /INVALID_BACKUP/);
    assert.throws(() => uploadOrder([file('ds/vm/vm.vmx'), file('ds/vm/..')]), /unsafe file name/);
    assert.throws(() => uploadOrder([file('ds/vm/vm.vmx'), file('ds/vm/a\nb.vmdk')]), /unsafe file name/);
    assert.throws(
      () => uploadOrder([file('ds1/vm/vm.vmx'), file('ds1/vm/d.vmdk'), file('ds2/vm/d.vmdk')]),
      /NOT_SUPPORTED.*two files named d\.vmdk/,
    );
  });
});
