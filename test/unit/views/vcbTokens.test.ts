import { strict as assert } from 'node:assert';
import { ConnectionProfile } from '../../../src/core/model';
import { hasToken } from '../../../src/views/contextTokens';
import { vcbConnectionTokens, vcbNodeTokens, vcbVmTokens } from '../../../src/views/vcbTokens';
import { parseVcbUriPath, vcbUriPath } from '../../../src/ui/vcbUris';

const vc = (o: Partial<ConnectionProfile> = {}): ConnectionProfile => ({
  name: 'vc',
  platform: 'vmware',
  url: 'https://vc',
  username: 'administrator@vsphere.local',
  ...o,
});
const host = { host: 'cos.example', port: 2222, username: 'root' };

describe('VCB tree tokens', () => {
  it('offers Add VCB Host on a VMware connection only, and VCB backup on VMs only when it has a VCB host', () => {
    assert.ok(hasToken(vcbConnectionTokens(vc()), 'canAddVcbHost'));
    assert.ok(!hasToken(vcbConnectionTokens(vc({ platform: 'xen' })), 'canAddVcbHost'));
    assert.equal(vcbVmTokens(vc()), '');
    assert.ok(hasToken(vcbVmTokens(vc({ vcbHosts: [host] })), 'canVcbBackup'));
    assert.ok(hasToken(vcbVmTokens(vc({ vcbHosts: [host] })), 'canVcbMount'));
  });

  it('offers the host-key pin only on an unpinned key, never on a changed one', () => {
    const base = { kind: 'vcbError' as const, key: 'k', connection: 'vc', host, message: 'm' };
    assert.ok(
      hasToken(vcbNodeTokens({ ...base, unpinned: { fingerprint: 'SHA256:a', howToCheck: 'x' } }), 'canPinHostKey'),
    );
    assert.ok(!hasToken(vcbNodeTokens({ ...base, code: 'SSH_HOST_KEY_MISMATCH' }), 'canPinHostKey'));
  });
});

describe('vmbackup-vcb: URI paths', () => {
  it('round-trips connection and host names with any characters, and mount paths', () => {
    for (const t of [
      { connection: 'vc/1 #?%', hostId: 'cos:22', kind: 'conf' as const, remotePath: '/etc/vmware/backuptools.conf' },
      { connection: 'vc', hostId: '[::1]:22', kind: 'catalog' as const, remotePath: '/tmp/catalog-a b' },
      { connection: 'vc', hostId: 'h:22', kind: 'mount' as const, mountId: 'ab12', rel: 'letters/C/boot.ini' },
      { connection: 'vc', hostId: 'h:22', kind: 'mount' as const, mountId: 'ab12', rel: '' },
    ])
      assert.deepEqual(parseVcbUriPath(vcbUriPath(t)), t);
  });

  it('refuses "..", NUL and unknown kinds', () => {
    assert.throws(() => parseVcbUriPath('/vc/h%3A22/mount/ab/../../etc/passwd'), /\.\./);
    assert.throws(() => parseVcbUriPath('/vc/h%3A22/conf/etc/\0x'), /NUL/);
    assert.throws(() => parseVcbUriPath('/vc/h%3A22/shell/x'), /not a vmbackup-vcb/);
    assert.throws(
      () => vcbUriPath({ connection: 'vc', hostId: 'h', kind: 'conf', remotePath: 'relative' }),
      /absolute/,
    );
  });
});
