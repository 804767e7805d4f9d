import assert from 'node:assert/strict';
import { LanguageId, quickFixesFor, validate } from '../../../src/formats';

function applyFirst(lang: LanguageId, text: string, code: string): string {
  const d = validate(lang, text).find((x) => x.code === code);
  assert.ok(d, `no ${code} in ${JSON.stringify(text)}`);
  const [fix] = quickFixesFor(lang, text, d);
  assert.ok(fix, `no quick fix for ${code}`);
  assert.ok(fix.title.length > 0);
  return text.slice(0, fix.range.start.offset) + fix.newText + text.slice(fix.range.end.offset);
}

const rows: Array<{ lang: LanguageId; code: string; before: string; after: string }> = [
  {
    lang: 'vcb-config-js',
    code: 'missing-required',
    before: 'HOST="h";\nPASSWORD="p";',
    after: 'HOST="h";\nPASSWORD="p";\nUSERNAME="";\n',
  },
  { lang: 'backuptools-conf', code: 'space-around-equals', before: 'VCHOST = vc\n', after: 'VCHOST=vc\n' },
  {
    lang: 'ovm-config',
    code: 'space-around-equals',
    before: 'SID = ovs\nUUID=0004fb00000100009e6f2b4bd8f5b6e5\n',
    after: 'SID=ovs\nUUID=0004fb00000100009e6f2b4bd8f5b6e5\n',
  },
  {
    lang: 'backuptools-conf',
    code: 'unquoted-space',
    before: 'TEMPDIR=/tmp/a b # c\n',
    after: 'TEMPDIR="/tmp/a b" # c\n',
  },
  {
    lang: 'backuptools-conf',
    code: 'thumbprint-format',
    before: 'HOST_THUMBPRINT="SHA1 Fingerprint=ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01"\n',
    after: 'HOST_THUMBPRINT="AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01"\n',
  },
  {
    lang: 'backuptools-conf',
    code: 'thumbprint-format',
    before: 'HOST_THUMBPRINT=abcdef0123456789abcdef0123456789abcdef01\n',
    after: 'HOST_THUMBPRINT=AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01\n',
  },
  {
    lang: 'backuptools-conf',
    code: 'unescaped-dollar',
    before: 'PASSWORD="a$server"\n',
    after: 'PASSWORD="a\\$server"\n',
  },
  {
    lang: 'backuptools-conf',
    code: 'datastore-path-format',
    before: 'DSPATH="[ oldvms ]%VMNAME%"\n',
    after: 'DSPATH="[oldvms] %VMNAME%"\n',
  },
  {
    lang: 'vcb-catalog',
    code: 'datastore-path-format',
    before: 'config.vmx= "[ds1]vm/vm.vmx"\n',
    after: 'config.vmx= "[ds1] vm/vm.vmx"\n',
  },
  {
    lang: 'backuptools-conf',
    code: 'plaintext-password',
    before: 'VCHOST=vc\nPASSWORD=secret\nUSERNAME=u\n',
    after: 'VCHOST=vc\nUSERNAME=u\n',
  },
  {
    lang: 'vcb-config-js',
    code: 'plaintext-password',
    before: 'HOST="h";\nPASSWORD="p";\nUSERNAME="u";\n',
    after: 'HOST="h";\nUSERNAME="u";\n',
  },
  { lang: 'backuptools-conf', code: 'unknown-key', before: 'VCHOSTT=vc\n', after: 'VCHOST=vc\n' },
  {
    lang: 'vcb-config-js',
    code: 'single-backslash',
    before: 'BACKUPROOT="C:\\vcb";\n',
    after: 'BACKUPROOT="C:\\\\vcb";\n',
  },
  { lang: 'vcb-config-js', code: 'unquoted-value', before: 'HOST=esx host;\n', after: 'HOST="esx host";\n' },
  { lang: 'backuptools-conf', code: 'duplicate-key', before: 'VCHOST=a\nVCHOST=b\n', after: 'VCHOST=b\n' },
];

describe('formats: quick fixes', () => {
  for (const row of rows) {
    it(`${row.lang}: ${row.code}`, () => {
      const after = applyFirst(row.lang, row.before, row.code);
      assert.equal(after, row.after);
      assert.ok(
        !validate(row.lang, after).some((d) => d.code === row.code && row.code !== 'missing-required'),
        'fix removes the diagnostic',
      );
    });
  }
  it('returns [] for unknown codes and never throws', () => {
    assert.deepEqual(
      quickFixesFor('ovm-config', 'x', {
        code: 'nope',
        message: '',
        severity: 'error',
        range: { start: { offset: 9, line: 9, character: 9 }, end: { offset: 99, line: 9, character: 9 } },
      }),
      [],
    );
  });
});
