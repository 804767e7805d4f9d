import assert from 'node:assert/strict';
import { SCHEMAS } from '../../../src/formats';

// Every key the seeds list, with the defaults/enums they give.
const expected: Record<string, Record<string, { default?: string | number; enum?: string[] }>> = {
  'vcb-config-js': {
    BACKUPROOT: { default: 'C:\\mnt' },
    HOST: {},
    PORT: { default: 443 },
    USERNAME: {},
    PASSWORD: {},
    TRANSPORT_MODE: { default: 'san', enum: ['san', 'nbd', 'nbdssl', 'hotadd'] },
    SNAPSHOT_POLICY: { default: 'automatic', enum: ['automatic', 'manual', 'createonly', 'deleteonly'] },
    VM_LOOKUP_METHOD: { default: 'ipaddr', enum: ['ipaddr', 'name'] },
    PREEXISTING_MOUNTPOINT: { default: 'fail', enum: ['fail', 'delete'] },
    PREEXISTING_VCB_SNAPSHOT: { default: 'fail', enum: ['fail', 'delete'] },
    MAX_RETRIES: { default: 0 },
    BACKOFF_TIME: { default: 10 },
  },
  'backuptools-conf': {
    VCHOST: {},
    USERNAME: {},
    PASSWORD: {},
    VMNAMECACHE: {},
    TEMPDIR: {},
    HOST_THUMBPRINT: {},
    DSPATH: {},
    VMHOST: {},
    RESOURCEPOOL: {},
    FOLDERPATH: {},
  },
  'vcb-catalog': { 'config.vmx': {}, 'config.suspenddir': {}, 'config.logdir': {}, resourcepool: {}, host: {} },
  'ovm-config': {
    DBTYPE: { default: 'MySQL' },
    DBHOST: { default: 'localhost' },
    SID: { default: 'ovs' },
    LSNR: { default: 49500 },
    OVSSCHEMA: { default: 'ovs' },
    APEX: { default: 'None' },
    WLSADMIN: { default: 'weblogic' },
    OVSADMIN: { default: 'admin' },
    COREPORT: { default: 54321 },
    UUID: {},
    BUILDID: {},
  },
  'ovmm-sysconfig': {
    DBBACKUP: { default: '/u01/app/oracle/mysql/dbbackup' },
    DBBACKUP_CMD: { default: '/opt/mysql/meb-x.x/bin/mysqlbackup' },
    UUID: {},
  },
};

describe('formats: schemas cover every seed key', () => {
  for (const [lang, keys] of Object.entries(expected)) {
    it(lang, () => {
      const s = SCHEMAS[lang as keyof typeof SCHEMAS];
      for (const [k, want] of Object.entries(keys)) {
        const p = s.properties[k];
        assert.ok(p, `${lang}: ${k} missing`);
        assert.ok((p.description ?? '').length > 20, `${lang}: ${k} needs a description`);
        assert.ok(p.type, `${lang}: ${k} needs a type`);
        if (want.default !== undefined) assert.equal(p.default, want.default, `${lang}: ${k} default`);
        if (want.enum) assert.deepEqual(p.enum, want.enum, `${lang}: ${k} enum`);
      }
    });
  }
  it('config.js requires the keys without defaults except PASSWORD (registry / prompt, VMSA-2008-0014; __sspi__)', () => {
    assert.deepEqual(SCHEMAS['vcb-config-js'].required, ['HOST', 'USERNAME']);
    assert.equal(SCHEMAS['vcb-config-js'].properties.PASSWORD.default, undefined);
  });
  it('disk.scsi*.diskname is a catalog pattern property', () => {
    assert.ok(
      Object.keys(SCHEMAS['vcb-catalog'].patternProperties ?? {}).some((p) =>
        new RegExp(p).test('disk.scsi0:1.diskname'),
      ),
    );
  });
  it('the catalog schema names its sources and lists no unconfirmed key', () => {
    const s = SCHEMAS['vcb-catalog'];
    assert.match(s.description ?? '', /カタログファイルの編集/);
    assert.match(s.description ?? '', /resourcepool= /);
    assert.deepEqual(Object.keys(s.properties).sort(), [
      'config.logdir',
      'config.suspenddir',
      'config.vmx',
      'host',
      'resourcepool',
    ]);
  });
});
