// Kinds of fault found by trying files of the same kinds as the field cases (issue 13), as a new user would.
// Each row: a file (fixture or inline), what bash / node say about it, and the diagnostics that must (not) be there.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Diagnostic, LanguageId, parse, quickFixesFor, validate, validateBytes } from '../../../src/formats';

const FIXTURES = path.join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'language');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

interface Row {
  name: string;
  lang: LanguageId;
  text: string;
  /** code@line:column (1-based) that must be reported. */
  want?: string[];
  /** Entries as bash / JScript leave them (key → value). */
  values?: Record<string, string>;
  /** Codes that must not be reported at all. */
  absent?: string[];
  /** Keys that must NOT be entries (bash assigns nothing). */
  unset?: string[];
}

const at = (d: Diagnostic) => `${d.code}@${d.range.start.line + 1}:${d.range.start.character + 1}`;

const rows: Row[] = [
  // Shell: a backslash-newline between two assignments is removed by bash (`env -i bash -c 'set -a; . ./f; env'`).
  {
    name: 'continuation between assignments, declaration builtins (fixture)',
    lang: 'backuptools-conf',
    text: fixture('backuptools-continuation-declare.conf'),
    values: { VCHOST: 'vc01.example.test', USERNAME: 'vcbadmin', TEMPDIR: '/vmfs/volumes/storage1/vcb tmp' },
  },
  {
    name: 'continuation inside a value',
    lang: 'ovmm-sysconfig',
    text: 'DBBACKUP=/u01/app/oracle/\\\nmysql/dbbackup\n',
    values: { DBBACKUP: '/u01/app/oracle/mysql/dbbackup' },
  },
  {
    name: 'A=1 \\ + B=2 on the next line',
    lang: 'backuptools-conf',
    text: 'VCHOST=vc01 \\\n\tUSERNAME=root\n',
    values: { VCHOST: 'vc01', USERNAME: 'root' },
  },
  // $(…) is one word up to its ")" (bash -n accepts these; `env -i bash -c 'set -a; . ./f; env'` sets all four).
  {
    name: 'command substitutions with blanks',
    lang: 'backuptools-conf',
    text: 'VCHOST=$(hostname -f)\nUSERNAME=`whoami`\nTEMPDIR=$(dirname "$(mktemp -u)")/vcb\n',
    values: { VCHOST: '$(hostname -f)', TEMPDIR: '$(dirname "$(mktemp -u)")/vcb' },
  },
  {
    name: 'a password read from a file is no plaintext password',
    lang: 'backuptools-conf',
    text: 'PASSWORD="$(cat /root/.vcbpw)"\n',
    absent: ['plaintext-password'],
  },
  {
    name: 'unterminated $(',
    lang: 'backuptools-conf',
    text: 'VCHOST=$(hostname -f\n',
    want: ['unterminated-substitution@1:8'],
  },
  // readonly / declare / export: their NAME=value arguments are assignments; a bare NAME only marks it.
  {
    name: 'readonly NAME=value assigns',
    lang: 'backuptools-conf',
    text: 'readonly VCHOST=vc01.example.test\n',
    values: { VCHOST: 'vc01.example.test' },
  },
  {
    name: 'export A=1 B="x y" C',
    lang: 'backuptools-conf',
    text: 'export VCHOST=vc01 TEMPDIR="/tmp/vcb tmp" USERNAME\n',
    values: { VCHOST: 'vc01', TEMPDIR: '/tmp/vcb tmp' },
  },
  {
    name: 'export NAME alone',
    lang: 'ovmm-sysconfig',
    text: 'DBBACKUP=/u01/dbbackup\nexport DBBACKUP\n',
    values: { DBBACKUP: '/u01/dbbackup' },
  },
  {
    name: 'declare with an invalid identifier',
    lang: 'backuptools-conf',
    text: 'declare -r VCHOST=vc01 1host\n',
    want: ['not-identifier@1:24'],
    values: { VCHOST: 'vc01' },
  },
  // local outside a function: bash prints "local: can only be used in a function" and assigns nothing.
  {
    name: 'local at the top level',
    lang: 'backuptools-conf',
    text: 'VCHOST=vc01\nlocal USERNAME=root\n',
    want: ['local-outside-function@2:1'],
    unset: ['USERNAME'],
  },
  // config.js: valid JScript in forms the field cases do not show.
  {
    name: 'var list, comments, single quotes, concatenation, no semicolons (fixture)',
    lang: 'vcb-config-js',
    text: fixture('config-var-list-comments.js'),
    values: {
      BACKUPROOT: 'C:\\vcb_mnts',
      HOST: 'vc01.example.test',
      USERNAME: 'DOMAIN\\vcbadmin',
      VM_LOOKUP_METHOD: 'name',
      TRANSPORT_MODE: 'nbd',
    },
  },
  {
    name: 'typeof an undeclared name, a branch not taken: no ReferenceError',
    lang: 'vcb-config-js',
    text: 'USERNAME="u";\nvar HOST = typeof VCHOST == "undefined" ? "vc01" : VCHOST;\nBACKUPROOT = (typeof ROOT != "undefined" && ROOT) || "C:\\\\mnt";\n',
  },
  // config.js: node says "ReferenceError: vc01 is not defined" for an unquoted dotted host name.
  {
    name: 'unquoted dotted host name (fixture)',
    lang: 'vcb-config-js',
    text: fixture('config-host-unquoted-dotted.js'),
    want: ['unquoted-value@2:8'],
  },
  {
    name: 'undeclared name as a call argument',
    lang: 'vcb-config-js',
    text: 'HOST="h";USERNAME="u";\nBACKUPROOT = String(vcb_mnts);\n',
    want: ['unquoted-value@2:21'],
  },
  // A value that reads the key's earlier value re-assigns it on purpose (node / bash compute both): no duplicate-key.
  {
    name: 'config.js BACKUPROOT = BACKUPROOT + "\\vcb"',
    lang: 'vcb-config-js',
    text: 'HOST="h";USERNAME="u";\nBACKUPROOT = "D:\\\\mnt";\nBACKUPROOT = BACKUPROOT + "\\\\vcb";\n',
    values: { BACKUPROOT: 'D:\\mnt\\vcb' },
  },
  {
    name: 'shell TEMPDIR=$TEMPDIR/vcb',
    lang: 'backuptools-conf',
    text: 'TEMPDIR=/tmp\nTEMPDIR="${TEMPDIR}/vcb"\n',
    values: { TEMPDIR: '${TEMPDIR}/vcb' },
  },
  {
    name: 'a real duplicate is still one',
    lang: 'backuptools-conf',
    text: 'TEMPDIR=/tmp\nTEMPDIR=/var/tmp\n',
    want: ['duplicate-key@2:1'],
  },
  // Invisible characters kept in a value by readers other than bash (JScript, vcbRestore, the .config loop).
  {
    name: 'config.js: NBSP after a host name, ZWSP in a user name',
    lang: 'vcb-config-js',
    text: 'HOST="vc01.example.test\u00a0";\nUSERNAME="\u200badmin";\n',
    want: ['invisible-character@1:24', 'invisible-character@2:11'],
  },
  {
    name: 'Oracle VM .config: ZWSP after a value',
    lang: 'ovm-config',
    text: 'SID=ovs\u200b\nLSNR=49500\nUUID=0004fb00000100001a2b3c4d5e6f7a8b\n',
    want: ['invisible-character@1:8'],
  },
  // A control character pasted raw into a value.
  {
    name: 'ESC in a shell value',
    lang: 'backuptools-conf',
    text: 'VCHOST=vc01\u001b[31m\n',
    want: ['control-character@1:12'],
  },
  {
    name: 'BEL in a config.js string',
    lang: 'vcb-config-js',
    text: 'HOST="vc\u000701";USERNAME="u";\n',
    want: ['control-character@1:9'],
  },
  {
    name: 'bidi override in a catalog value',
    lang: 'vcb-catalog',
    text: 'config.vmx= "[storage1] web01/\u202eweb01.vmx"\n',
    want: ['control-character@1:31'],
  },
];

describe('formats: kinds of real-file faults beyond the field cases', () => {
  for (const row of rows) {
    it(row.name, () => {
      const ds = validate(row.lang, row.text);
      const got = ds.filter((d) => d.severity !== 'information').map(at);
      assert.deepEqual(
        got
          .filter((g) => !(row.want ?? []).includes(g))
          .filter((g) => !g.startsWith('unknown-key') && !g.startsWith('plaintext-password')),
        [],
        `unexpected: ${JSON.stringify(ds.map((d) => [at(d), d.message]))}`,
      );
      for (const a of row.absent ?? [])
        assert.ok(!ds.some((d) => d.code === a), `${a} reported: ${JSON.stringify(ds.map(at))}`);
      for (const w of row.want ?? []) assert.ok(ds.map(at).includes(w), `missing ${w}: ${JSON.stringify(ds.map(at))}`);
      const entries = parse(row.lang, row.text).entries;
      for (const [k, v] of Object.entries(row.values ?? {}))
        assert.equal(entries.filter((e) => e.key === k).pop()?.value, v, k);
      for (const k of row.unset ?? []) assert.ok(!entries.some((e) => e.key === k), `${k} must stay unset`);
    });
  }

  it('Quote the value on an unquoted dotted host name leaves a file without errors', () => {
    const text = fixture('config-host-unquoted-dotted.js');
    const d = validate('vcb-config-js', text).find((x) => x.code === 'unquoted-value')!;
    const [fix] = quickFixesFor('vcb-config-js', text, d);
    const fixed = text.slice(0, fix.range.start.offset) + fix.newText + text.slice(fix.range.end.offset);
    assert.match(fixed, /HOST = "vc01\.example\.test";/);
    assert.deepEqual(
      validate('vcb-config-js', fixed).filter((x) => x.severity === 'error'),
      [],
    );
  });

  it('an Oracle VM .config names the release its BUILDID says (3.2, 3.3), not "before 3.3"', () => {
    const cfg = (build: string, apex: string) =>
      `DBTYPE=MySQL\nDBHOST=localhost\nSID=ovs\nLSNR=49500\nOVSSCHEMA=ovs\nAPEX=${apex}\nWLSADMIN=weblogic\nOVSADMIN=admin\nCOREPORT=54321\nUUID=0004fb00000100001a2b3c4d5e6f7a8b\nBUILDID=${build}\n`;
    const release = (text: string) => validate('ovm-config', text).filter((d) => d.code === 'older-release');
    const r33 = release(cfg('3.3.1.1065', '8080'));
    assert.equal(r33.length, 1);
    assert.match(r33[0].message, /Oracle VM Manager 3\.3 .*Oracle VM 3\.3 documentation applies/);
    assert.doesNotMatch(r33[0].message, /before 3\.3/);
    assert.match(release(cfg('3.2.8.735', 'None'))[0]?.message ?? '', /written by Oracle VM Manager 3\.2/);
    assert.deepEqual(release(cfg('3.4.6.2105', 'None')), []);
  });

  it('a catalog datastore path with a non-breaking space: the message shows it, the fix leaves a valid path', () => {
    const text =
      'config.vmx= "[storage1]\u00a0web01/web01.vmx"\nconfig.suspenddir= "[storage1] web01/"\nconfig.logdir= "[storage1] web01/"\ndisk.scsi0:0.diskname= "[storage1] web01/web01.vmdk"\nhost=esx01\n';
    const ds = validate('vcb-catalog', text);
    assert.match(ds.find((d) => d.code === 'datastore-path-format')?.message ?? '', /\[storage1\]\\u00a0web01/);
    const inv = ds.find((d) => d.code === 'invisible-character')!;
    assert.match(inv.message, /non-breaking space \(U\+00A0\)/);
    const [fix] = quickFixesFor('vcb-catalog', text, inv);
    const fixed = text.slice(0, fix.range.start.offset) + fix.newText + text.slice(fix.range.end.offset);
    assert.deepEqual(
      validate('vcb-catalog', fixed)
        .filter((d) => d.severity !== 'information')
        .map(at),
      [],
    );
  });

  it('A =b and A = b: the message shows the arguments bash passes to the command A', () => {
    const msg = (text: string) =>
      validate('backuptools-conf', text).find((d) => d.code === 'space-around-equals')?.message ?? '';
    assert.match(msg('USERNAME =root\n'), /runs "USERNAME" as a command \(with "=root" as its arguments\)/);
    assert.match(msg('VCHOST = vc01 # host\n'), /with "= vc01" as its arguments/);
  });

  it('Remove the control character leaves a clean value', () => {
    const text = 'VCHOST=vc01\u0007.example.test\n';
    const d = validate('backuptools-conf', text).find((x) => x.code === 'control-character')!;
    const [fix] = quickFixesFor('backuptools-conf', text, d);
    assert.equal(
      text.slice(0, fix.range.start.offset) + fix.newText + text.slice(fix.range.end.offset),
      'VCHOST=vc01.example.test\n',
    );
  });

  it('a config.js read in the wrong code page reports each syntax error once (no repeats at the end of the file)', () => {
    // cp932 "表" is 0x95 0x5C: read as windows-1252 the 0x5C is a backslash that escapes the closing quote.
    const bytes = Buffer.concat([
      Buffer.from('HOST="vc01";\r\nUSERNAME="u";\r\nBACKUPROOT="C:\\\\'),
      Buffer.from([0x95, 0x5c]),
      Buffer.from('";\r\n'),
    ]);
    const ds = validateBytes('vcb-config-js', bytes, 'windows-1252').diagnostics;
    const keys = ds.map((d) => `${at(d)} ${d.message}`);
    assert.deepEqual(
      keys.filter((k, i) => keys.indexOf(k) !== i),
      [],
      JSON.stringify(keys),
    );
    assert.ok(
      ds.some((d) => d.code === 'unterminated-string'),
      JSON.stringify(keys),
    );
    assert.ok(ds.length <= 4, JSON.stringify(keys));
  });
});
