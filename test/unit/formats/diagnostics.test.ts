import assert from 'node:assert/strict';
import { LanguageId, validate, validateBytes } from '../../../src/formats';
import { marked } from './markers';

interface Row {
  lang: LanguageId;
  src: string;
  code: string;
  severity?: 'error' | 'warning' | 'information';
  absent?: boolean;
}

// ⟦…⟧ marks the exact range the diagnostic must cover.
const rows: Row[] = [
  // config.js
  {
    lang: 'vcb-config-js',
    src: 'HOST="h";\nUSERNAME="u";\nPASSWORD=⟦"p"⟧;\n',
    code: 'plaintext-password',
    severity: 'warning',
  },
  { lang: 'vcb-config-js', src: 'HOST="h";\nPASSWORD="p";\n⟦⟧', code: 'missing-required', severity: 'error' },
  {
    lang: 'vcb-config-js',
    src: 'HOST="h";USERNAME="u";PASSWORD="p";\n⟦TRANSPORT_MOD⟧="san";\n',
    code: 'unknown-key',
    severity: 'warning',
  },
  {
    lang: 'vcb-config-js',
    src: 'HOST="h";USERNAME="u";PASSWORD="p";\nTRANSPORT_MODE=⟦"hotadd"⟧;\n',
    code: 'hotadd-note',
    severity: 'information',
  },
  {
    lang: 'vcb-config-js',
    src: 'HOST="h";USERNAME="u";PASSWORD="p";\nTRANSPORT_MODE=⟦"lan"⟧;\n',
    code: 'invalid-value',
    severity: 'error',
  },
  {
    lang: 'vcb-config-js',
    src: 'HOST="h";USERNAME="u";PASSWORD="p";\nSNAPSHOT_POLICY=⟦"auto"⟧;\n',
    code: 'invalid-value',
  },
  {
    lang: 'vcb-config-js',
    src: 'HOST="h";USERNAME="u";PASSWORD="p";\nVM_LOOKUP_METHOD=⟦"dns"⟧;\n',
    code: 'invalid-value',
  },
  {
    lang: 'vcb-config-js',
    src: 'HOST="h";USERNAME="u";PASSWORD="p";\nPREEXISTING_MOUNTPOINT=⟦"keep"⟧;\n',
    code: 'invalid-value',
  },
  {
    lang: 'vcb-config-js',
    src: 'HOST="h";USERNAME="u";PASSWORD="p";\nPREEXISTING_VCB_SNAPSHOT=⟦"x"⟧;\n',
    code: 'invalid-value',
  },
  { lang: 'vcb-config-js', src: 'HOST="h";USERNAME="u";PASSWORD="p";\nPORT=⟦70000⟧;\n', code: 'out-of-range' },
  { lang: 'vcb-config-js', src: 'HOST="h";USERNAME="u";PASSWORD="p";\nPORT=⟦"443x"⟧;\n', code: 'invalid-type' },
  { lang: 'vcb-config-js', src: 'HOST="h";USERNAME="u";PASSWORD="p";\nMAX_RETRIES=⟦"-1"⟧;\n', code: 'out-of-range' },
  {
    lang: 'vcb-config-js',
    src: 'HOST="h";USERNAME="u";PASSWORD="p";\nMAX_RETRIES="3";\nBACKOFF_TIME=⟦"-5"⟧;\n',
    code: 'out-of-range',
  },
  {
    lang: 'vcb-config-js',
    src: 'HOST="h";USERNAME="u";PASSWORD="p";\n⟦BACKOFF_TIME⟧="5";\n',
    code: 'backoff-ignored',
    severity: 'information',
  },
  {
    lang: 'vcb-config-js',
    src: 'HOST="h";USERNAME="u";PASSWORD="p";\nBACKUPROOT="C:⟦\\v⟧cb";\n',
    code: 'single-backslash',
  },
  {
    lang: 'vcb-config-js',
    src: 'HOST="h";USERNAME="u";PASSWORD="p";\nBACKUPROOT="C:\\\\vcb_mnts"; // ok\n/* block */\n',
    code: 'single-backslash',
    absent: true,
  },
  {
    lang: 'vcb-config-js',
    src: 'HOST="h";USERNAME="u";PASSWORD="p";\nBACKUPROOT=⟦"C:\\\\vcb⟧\n',
    code: 'unterminated-string',
  },
  { lang: 'vcb-config-js', src: 'HOST="h";USERNAME="u";PASSWORD="p";\n⟦/* open\n⟧', code: 'unterminated-comment' },
  {
    lang: 'vcb-config-js',
    src: 'HOST="a";\n⟦HOST⟧="b";USERNAME="u";PASSWORD="p";\n',
    code: 'duplicate-key',
    severity: 'warning',
  },
  { lang: 'vcb-config-js', src: 'HOST = "h" ;USERNAME="u";PASSWORD="p";\n', code: 'space-around-equals', absent: true },
  // backuptools.conf
  { lang: 'backuptools-conf', src: 'VCHOST⟦ = ⟧vc.example.com\n', code: 'space-around-equals', severity: 'error' },
  { lang: 'backuptools-conf', src: 'USERNAME⟦= ⟧root\n', code: 'space-around-equals' },
  { lang: 'backuptools-conf', src: 'TEMPDIR=⟦/tmp/a b⟧ # comment\n', code: 'unquoted-space', severity: 'error' },
  { lang: 'backuptools-conf', src: 'TEMPDIR="/tmp/a b" # comment\n', code: 'unquoted-space', absent: true },
  { lang: 'backuptools-conf', src: 'PASSWORD="pa⟦$server⟧"\n', code: 'unescaped-dollar', severity: 'warning' },
  { lang: 'backuptools-conf', src: 'PASSWORD=pa\\$server\n', code: 'unescaped-dollar', absent: true },
  { lang: 'backuptools-conf', src: "PASSWORD='pa$server'\n", code: 'unescaped-dollar', absent: true },
  {
    lang: 'backuptools-conf',
    src: 'TEMPDIR=/tmp\nVMNAMECACHE=⟦${TEMPDIR}⟧/cache\n',
    code: 'variable-reference',
    severity: 'information',
  },
  { lang: 'backuptools-conf', src: 'VCHOST=⟦`hostname`⟧\n', code: 'command-substitution', severity: 'information' },
  { lang: 'backuptools-conf', src: 'PASSWORD=⟦secret⟧\n', code: 'plaintext-password', severity: 'warning' },
  { lang: 'backuptools-conf', src: 'VCHOST=a\n⟦VCHOST⟧=b\n', code: 'duplicate-key', severity: 'warning' },
  { lang: 'backuptools-conf', src: 'HOST_THUMBPRINT=⟦ab:cd:ef⟧\n', code: 'thumbprint-format', severity: 'error' },
  {
    lang: 'backuptools-conf',
    src: 'HOST_THUMBPRINT="' + Array(20).fill('AB').join(':') + '"\n',
    code: 'thumbprint-format',
    absent: true,
  },
  { lang: 'backuptools-conf', src: 'DSPATH=⟦"[oldvms]%VMNAME%"⟧\n', code: 'datastore-path-format' },
  { lang: 'backuptools-conf', src: 'DSPATH="[oldvms] %VMNAME%"\n', code: 'datastore-path-format', absent: true },
  { lang: 'backuptools-conf', src: 'RESOURCEPOOL="/host/⟦%VMHST%⟧/Resources"\n', code: 'unknown-placeholder' },
  { lang: 'backuptools-conf', src: '⟦VCHOSTT⟧=vc\n', code: 'unknown-key' },
  { lang: 'backuptools-conf', src: "FOLDERPATH=⟦'unterminated\n⟧", code: 'unterminated-quote', severity: 'error' },
  { lang: 'backuptools-conf', src: 'VCHOST=vc\\\n.example.com # continued\n', code: 'unquoted-space', absent: true },
  { lang: 'backuptools-conf', src: '⟦echo hi⟧\n', code: 'not-assignment' },
  // issue #13, other files of the field cases' kinds
  {
    lang: 'vcb-config-js',
    src: 'var HOST = "h", USERNAME = \'u\'\nBACKUPROOT = "C:\\\\" + "mnt"; PORT=443\n',
    code: 'syntax-error',
    absent: true,
  },
  {
    lang: 'vcb-config-js',
    src: 'HOST="h";USERNAME="u";\nHOST=⟦localhost⟧;\n',
    code: 'unquoted-value',
    severity: 'error',
  },
  {
    lang: 'vcb-config-js',
    src: 'HOST="h";\nUSERNAME="u";   -- the ⟦backup user⟧\n',
    code: 'syntax-error',
    severity: 'error',
  },
  { lang: 'vcb-config-js', src: '⟦# VCB settings⟧\nHOST="h";USERNAME="u";\n', code: 'hash-comment', severity: 'error' },
  { lang: 'vcb-config-js', src: 'HOST="h";USERNAME="u"; -- x\n', code: 'missing-required', absent: true },
  {
    lang: 'vcb-config-js',
    src: 'HOST="h";\n⟦USERNAME⟧="EXAMPLE\\\\svc";\n',
    code: 'password-source',
    severity: 'information',
  },
  { lang: 'vcb-config-js', src: 'HOST="h";\nUSERNAME="__SSPI__";\n', code: 'missing-required', absent: true },
  { lang: 'backuptools-conf', src: 'VCHOST=vc USERNAME=root TEMPDIR=/tmp\n', code: 'unquoted-space', absent: true },
  { lang: 'backuptools-conf', src: 'export VCHOST=vc USERNAME=root\n', code: 'unquoted-space', absent: true },
  { lang: 'backuptools-conf', src: 'VCHOST=vc TEMPDIR=⟦/tmp/my vcb⟧\n', code: 'unquoted-space', severity: 'error' },
  { lang: 'ovmm-sysconfig', src: 'DBBACKUP=/u01/backup⟦\r⟧\n', code: 'crlf', severity: 'error' },
  { lang: 'ovmm-sysconfig', src: '# comment\r\nDBBACKUP="/u01/backup"\n', code: 'crlf', absent: true },
  { lang: 'ovm-config', src: 'SID=ovs⟦\r⟧\nUUID=0004fb00000100009e6f2b4bd8f5b6e5\n', code: 'crlf', severity: 'error' },
  { lang: 'ovmm-sysconfig', src: '⟦\uFEFF⟧DBBACKUP=/u01/backup\n', code: 'bom', severity: 'error' },
  { lang: 'backuptools-conf', src: 'TEMPDIR=/tmp⟦\u00A0⟧\n', code: 'invisible-character', severity: 'warning' },
  { lang: 'backuptools-conf', src: '⟦\u3000⟧VCHOST=vc\n', code: 'invisible-character', severity: 'error' },
  {
    lang: 'vcb-catalog',
    src: 'config.vmx= "[ds1] vm37/vm37.vmx"\nhost=esx02.example.com\nresourcepool= "/DC1/host/Cluster01/Resources"\n',
    code: 'resourcepool-host-mismatch',
    absent: true,
  },
  {
    lang: 'vcb-catalog',
    src: 'config.vmx= "[ds1] vm37/vm37.vmx"\nhost=esx02\nresourcepool= "/ha-folder-root/ha-datacenter/host/esx02.example.com/Resources"\n',
    code: 'resourcepool-host-mismatch',
    absent: true,
  },
  {
    lang: 'vcb-catalog',
    src: 'config.vmx= "[ds1] vm37/vm37.vmx"\nconfig.logdir= ⟦"[ds1] vm37\\logs"⟧\n',
    code: 'datastore-path-backslash',
    severity: 'warning',
  },
  {
    lang: 'ovm-config',
    src: 'DBTYPE=⟦SE⟧\nUUID=0004fb00000100009e6f2b4bd8f5b6e5\n',
    code: 'older-release',
    severity: 'information',
  },
  {
    lang: 'ovm-config',
    src: 'SID=ovs ⟦# the SID⟧\nUUID=0004fb00000100009e6f2b4bd8f5b6e5\n',
    code: 'trailing-comment',
    severity: 'warning',
  },
  {
    lang: 'backuptools-conf',
    src: 'HOST_THUMBPRINT=⟦"SHA256 Fingerprint=' + Array(32).fill('AB').join(':') + '"⟧\n',
    code: 'thumbprint-format',
    severity: 'error',
  },
  // catalog
  {
    lang: 'vcb-catalog',
    src: 'config.vmx= ⟦"[ds1]vm37/vm37.vmx"⟧\n',
    code: 'datastore-path-format',
    severity: 'error',
  },
  {
    lang: 'vcb-catalog',
    src: 'config.vmx= "[ds1] vm37/vm37.vmx"\nconfig.logdir= ⟦"[ds2] vm37"⟧\n',
    code: 'datastore-paths-differ',
    severity: 'warning',
  },
  {
    lang: 'vcb-catalog',
    src: 'config.vmx= "[ds1] vm37/vm37.vmx"\ndisk.scsi0:0.diskname= ⟦"[ds1] other/vm37.vmdk"⟧\n',
    code: 'datastore-paths-differ',
  },
  {
    lang: 'vcb-catalog',
    src: 'config.vmx= "[ds1] vm37/vm37.vmx"\nconfig.suspenddir= "[ds1] vm37"\nconfig.logdir= "[ds1] vm37/"\ndisk.scsi0:0.diskname= "[ds1] vm37/vm37.vmdk"\n',
    code: 'datastore-paths-differ',
    absent: true,
  },
  // real catalogs write key= "value" or key=value (host=… and resourcepool= "…" as in the 2007 blog post cited in the schema)
  {
    lang: 'vcb-catalog',
    src: 'config.vmx= "[ds1] vm37/vm37.vmx"\nhost=esx2.example.com\nresourcepool= ⟦"/ha-folder-root/ha-datacenter/host/esx1.example.com/Resources"⟧\n',
    code: 'resourcepool-host-mismatch',
    severity: 'warning',
  },
  {
    lang: 'vcb-catalog',
    src: 'config.vmx= "[ds1] vm37/vm37.vmx"\nhost=esx1.example.com\nresourcepool= "/ha-folder-root/ha-datacenter/host/esx1.example.com/Resources"\n',
    code: 'resourcepool-host-mismatch',
    absent: true,
  },
  {
    lang: 'vcb-catalog',
    src: 'config.vmx= "[ds1] vm37/vm37.vmx"\nsomething.unconfirmed= "x"\n',
    code: 'unknown-key',
    absent: true,
  },
  // the guide: a VM name changed in the catalog is ignored by vcbRestore (the .vmx's name is used)
  {
    lang: 'vcb-catalog',
    src: 'config.vmx= "[ds1] vm37/vm37.vmx"\ndisplayname= ⟦"vm37-restored"⟧\n',
    code: 'vm-name-change-ignored',
    severity: 'information',
  },
  {
    lang: 'vcb-catalog',
    src: 'config.vmx= "[ds1] vm37/vm37.vmx"\ndisplayName= "vm37"\n',
    code: 'vm-name-change-ignored',
    absent: true,
  },
  { lang: 'vcb-catalog', src: 'host= esx1\n⟦⟧', code: 'missing-required' },
  {
    lang: 'vcb-catalog',
    src: 'config.vmx= "[ds1] vm37/vm37.vmx"\n⟦resourcepol⟧= "/x"\n',
    code: 'unknown-key',
    severity: 'information',
  },
  // ovm .config
  {
    lang: 'ovm-config',
    src: '⟦DBTYPE⟧=MySQL\nUUID=0004fb00000100009e6f2b4bd8f5b6e5\n',
    code: 'legacy-key',
    severity: 'information',
  },
  // Oracle VM 3.2 wrote a remote database host: information saying which release's rules apply, not an error (issue #13, kind 6)
  {
    lang: 'ovm-config',
    src: 'DBHOST=⟦db.example.com⟧\nUUID=0004fb00000100009e6f2b4bd8f5b6e5\n',
    code: 'older-release',
    severity: 'information',
  },
  {
    lang: 'ovm-config',
    src: 'DBHOST=db.example.com\nUUID=0004fb00000100009e6f2b4bd8f5b6e5\n',
    code: 'invalid-value',
    absent: true,
  },
  { lang: 'ovm-config', src: 'UUID=⟦not-a-uuid⟧\n', code: 'uuid-format' },
  { lang: 'ovm-config', src: 'LSNR=⟦0⟧\nUUID=0004fb00000100009e6f2b4bd8f5b6e5\n', code: 'out-of-range' },
  { lang: 'ovm-config', src: 'COREPORT=⟦port⟧\nUUID=0004fb00000100009e6f2b4bd8f5b6e5\n', code: 'invalid-type' },
  { lang: 'ovm-config', src: 'SID⟦ = ⟧ovs\nUUID=0004fb00000100009e6f2b4bd8f5b6e5\n', code: 'space-around-equals' },
  { lang: 'ovm-config', src: 'SID=ovs\n⟦⟧', code: 'missing-required' },
  // ovmm
  {
    lang: 'ovmm-sysconfig',
    src: 'DBBACKUP_CMD=⟦/usr/local/bin/mysqlbackup⟧\n',
    code: 'dbbackup-cmd-changed',
    severity: 'warning',
  },
  {
    lang: 'ovmm-sysconfig',
    src: 'DBBACKUP_CMD=/opt/mysql/meb-3.12/bin/mysqlbackup\n',
    code: 'dbbackup-cmd-changed',
    absent: true,
  },
  { lang: 'ovmm-sysconfig', src: 'UUID=⟦123⟧\n', code: 'uuid-format' },
  { lang: 'ovmm-sysconfig', src: '⟦DBBACKUPS⟧=/x\n', code: 'unknown-key' },
];

describe('formats: diagnostics table', () => {
  for (const row of rows) {
    const m = marked(row.src, '\u0000');
    it(`${row.lang}: ${row.absent ? 'no ' : ''}${row.code} in ${JSON.stringify(m.text).slice(0, 60)}`, () => {
      const diags = validate(row.lang, m.text);
      const hits = diags.filter((d) => d.code === row.code);
      if (row.absent) {
        assert.deepEqual(hits, []);
        return;
      }
      const want = m.ranges[0];
      assert.ok(want, 'row needs a ⟦range⟧');
      const hit = hits.find((d) => d.range.start.offset === want.start && d.range.end.offset === want.end);
      assert.ok(
        hit,
        `expected ${row.code} at ${JSON.stringify(m.text.slice(want.start, want.end))}; got ${JSON.stringify(diags.map((d) => [d.code, m.text.slice(d.range.start.offset, d.range.end.offset)]))}`,
      );
      if (row.severity) assert.equal(hit.severity, row.severity);
      // line/character agree with the offset
      const before = m.text.slice(0, hit.range.start.offset).split(/\r\n|\n|\r/);
      assert.equal(hit.range.start.line, before.length - 1);
      assert.equal(hit.range.start.character, before[before.length - 1].length);
    });
  }

  it('valid samples produce no errors or warnings', () => {
    const ok: Array<[LanguageId, string]> = [
      [
        'vcb-config-js',
        '// VCB\nBACKUPROOT="C:\\\\vcb_mnts";\nHOST="esx.example.com";\nUSERNAME="vcbUser";\nPASSWORD="";\nVM_LOOKUP_METHOD="name";\nPREEXISTING_MOUNTPOINT="delete";\nPORT=443;\n',
      ],
      ['backuptools-conf', '# comment\nVCHOST="vc.example.com"\nUSERNAME=root\nTEMPDIR=/tmp\n'],
      [
        'vcb-catalog',
        'config.vmx= "[ds1] vm37/vm37.vmx"\nconfig.suspenddir= "[ds1] vm37/"\ndisk.scsi0:0.diskname= "[ds1] vm37/vm37.vmdk"\nhost=esx1.example.com\nresourcepool= "/ha-folder-root/ha-datacenter/host/esx1.example.com/Resources"\n',
      ],
      [
        'ovm-config',
        'SID=ovs\nLSNR=49500\nOVSSCHEMA=ovs\nWLSADMIN=weblogic\nOVSADMIN=admin\nCOREPORT=54321\nUUID=0004fb00000100009e6f2b4bd8f5b6e5\nBUILDID=3.4.6.2105\n',
      ],
      ['ovmm-sysconfig', 'DBBACKUP=/u01/app/oracle/mysql/dbbackup\nDBBACKUP_CMD=/opt/mysql/meb-4.1/bin/mysqlbackup\n'],
    ];
    for (const [lang, text] of ok) {
      const bad = validate(lang, text).filter((d) => d.severity !== 'information');
      assert.deepEqual(
        bad.map((d) => d.code),
        [],
        lang,
      );
    }
  });

  it('decoding as the reader does: a cp932 trail byte 0x5C is no backslash; UTF-8 BOM in config.js is one error; undecodable bytes one diagnostic', () => {
    // "表" is 0x95 0x5C in Shift_JIS: read as windows-1252 the 0x5C would escape the closing quote.
    const sjis = Buffer.concat([
      Buffer.from('HOST="h";USERNAME="u";BACKUPROOT="E:\\\\'),
      Buffer.from([0x95, 0x5c]),
      Buffer.from('";\n'),
    ]);
    assert.deepEqual(
      validateBytes('vcb-config-js', sjis, 'cp932')
        .diagnostics.filter((d) => d.severity !== 'information')
        .map((d) => d.code),
      [],
    );
    assert.ok(validateBytes('vcb-config-js', sjis, 'windows-1252').diagnostics.some((d) => d.severity === 'error'));
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('HOST="h";\nUSERNAME="u";\n')]);
    assert.deepEqual(
      validateBytes('vcb-config-js', bom)
        .diagnostics.filter((d) => d.severity !== 'information')
        .map((d) => d.code),
      ['utf8-bom'],
    );
    assert.deepEqual(
      validateBytes('vcb-config-js', bom, 'utf8')
        .diagnostics.filter((d) => d.severity !== 'information')
        .map((d) => d.code),
      [],
    );
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('HOST="h";USERNAME="u";\n', 'utf16le').swap16()]);
    assert.deepEqual(
      validateBytes('vcb-config-js', be)
        .diagnostics.filter((d) => d.severity !== 'information')
        .map((d) => d.code),
      [],
    );
    const bad = Buffer.concat([
      Buffer.from('HOST="h";USERNAME="u";// '),
      Buffer.from([0x81, 0x20, 0x85, 0x20, 0xa0]),
      Buffer.from('\n'),
    ]);
    assert.deepEqual(
      validateBytes('vcb-config-js', bad, 'cp932')
        .diagnostics.filter((d) => d.severity !== 'information')
        .map((d) => d.code),
      ['undecodable'],
    );
  });

  it('a config.js with a syntax error on every line reports a bounded number of them, and says so', () => {
    const text = Array.from({ length: 20000 }, (_, i) => `HOST="h${i}";  # note`).join('\n');
    const d = validate('vcb-config-js', text);
    assert.ok(d.filter((x) => x.code === 'hash-comment').length >= 3);
    assert.ok(d.length <= 101, `${d.length} diagnostics`);
    assert.ok(d.some((x) => x.code === 'more-syntax-errors'));
  });

  it('a control character in a file never reaches a message raw', () => {
    for (const d of validate(
      'vcb-config-js',
      'HOST="h";USERNAME="u";\nTRANSPORT_MODE="\u001b[31mred\u0007";\nX\u202eY="1";\n',
    ))
      assert.doesNotMatch(d.message, /[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/, d.message);
  });

  it('plaintext-password cites the guide caution', () => {
    const d = validate('backuptools-conf', 'PASSWORD=x\n').find((x) => x.code === 'plaintext-password');
    assert.match(d!.message, /security risk/);
    assert.match(d!.message, /administrators/);
  });

  it('unknown key suggests the closest schema key', () => {
    const d = validate('backuptools-conf', 'VCHOSTT=vc\n').find((x) => x.code === 'unknown-key');
    assert.equal(d!.message, 'Unknown key VCHOSTT — did you mean VCHOST?');
  });

  it('duplicate-key points at the first definition', () => {
    const d = validate('backuptools-conf', 'VCHOST=a\nVCHOST=b\n').find((x) => x.code === 'duplicate-key');
    assert.deepEqual((d!.data!.firstRange as { start: { offset: number } }).start.offset, 0);
  });
});
