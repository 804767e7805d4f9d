import assert from 'node:assert/strict';
import { completionsAt, hoverAt, LanguageId } from '../../../src/formats';
import { marked } from './markers';

const completionRows: Array<{ lang: LanguageId; src: string; has: string[]; not?: string[] }> = [
  { lang: 'vcb-config-js', src: 'TRANSPORT_MODE="|', has: ['san', 'nbd', 'nbdssl', 'hotadd'] },
  { lang: 'vcb-config-js', src: 'SNAPSHOT_POLICY="|";', has: ['automatic', 'manual', 'createonly', 'deleteonly'] },
  { lang: 'vcb-config-js', src: 'VM_LOOKUP_METHOD = "|', has: ['ipaddr', 'name'] },
  {
    lang: 'vcb-config-js',
    src: 'HOST="h";\n|',
    has: ['USERNAME', 'PASSWORD', 'TRANSPORT_MODE', 'BACKOFF_TIME'],
    not: ['HOST'],
  },
  { lang: 'vcb-config-js', src: 'PRE|', has: ['PREEXISTING_MOUNTPOINT', 'PREEXISTING_VCB_SNAPSHOT'], not: ['PORT'] },
  { lang: 'backuptools-conf', src: 'DSPATH="[oldvms] |', has: ['%VMNAME%'] },
  { lang: 'backuptools-conf', src: 'RESOURCEPOOL=|', has: ['%VMHOST%'] },
  { lang: 'backuptools-conf', src: 'VCHOST=x\n|', has: ['HOST_THUMBPRINT', 'DSPATH', 'FOLDERPATH'], not: ['VCHOST'] },
  { lang: 'vcb-catalog', src: 'config.vmx= "[a] b"\n|', has: ['config.logdir', 'resourcepool'], not: ['config.vmx'] },
  { lang: 'ovm-config', src: 'DBTYPE=|', has: ['MySQL'] },
  { lang: 'ovm-config', src: 'LSNR=|', has: ['49500'] },
  { lang: 'ovmm-sysconfig', src: '|', has: ['DBBACKUP', 'DBBACKUP_CMD', 'UUID'] },
];

describe('formats: completions', () => {
  for (const row of completionRows) {
    it(`${row.lang}: ${JSON.stringify(row.src)}`, () => {
      const m = marked(row.src);
      const labels = completionsAt(row.lang, m.text, m.caret).map((c) => c.label);
      for (const h of row.has) assert.ok(labels.includes(h), `${h} missing from ${labels.join(',')}`);
      for (const n of row.not ?? []) assert.ok(!labels.includes(n), `${n} should not be offered`);
    });
  }
  it('key completions carry documentation and a default-filled insert text', () => {
    const c = completionsAt('vcb-config-js', '', 0).find((x) => x.label === 'PORT')!;
    assert.equal(c.insertText, 'PORT="443";');
    assert.match(c.documentation!, /port/i);
  });
});

const hoverRows: Array<{ lang: LanguageId; src: string; contains: string[]; under: string }> = [
  {
    lang: 'vcb-config-js',
    src: 'TRANS|PORT_MODE="san";',
    contains: ['**TRANSPORT_MODE**', 'Default: `san`', '`nbdssl`'],
    under: 'TRANSPORT_MODE',
  },
  { lang: 'vcb-config-js', src: 'PORT=4|43;', contains: ['Default: `443`', 'Range: 1–65535'], under: '443' },
  { lang: 'vcb-config-js', src: 'HO|ST="h";', contains: ['Required (no default).'], under: 'HOST' },
  { lang: 'backuptools-conf', src: 'DSP|ATH="[a] b"', contains: ['%VMNAME%'], under: 'DSPATH' },
  { lang: 'ovm-config', src: 'LS|NR=49500', contains: ['listener', 'Default: `49500`'], under: 'LSNR' },
  { lang: 'ovmm-sysconfig', src: 'DBBACKUP_C|MD=/x', contains: ['must not be changed'], under: 'DBBACKUP_CMD' },
  { lang: 'vcb-catalog', src: 'config.vm|x= "[a] b"', contains: ['datastore path'], under: 'config.vmx' },
];

describe('formats: hover', () => {
  for (const row of hoverRows) {
    it(`${row.lang}: ${JSON.stringify(row.src)}`, () => {
      const m = marked(row.src);
      const h = hoverAt(row.lang, m.text, m.caret);
      assert.ok(h);
      for (const c of row.contains) assert.ok(h.contents.includes(c), `${c} not in ${h.contents}`);
      assert.equal(m.text.slice(h.range.start.offset, h.range.end.offset), row.under);
    });
  }
  it('returns undefined outside entries and for unknown keys', () => {
    assert.equal(hoverAt('backuptools-conf', '# c\nFOO=1', 1), undefined);
    assert.equal(hoverAt('backuptools-conf', '# c\nFOO=1', 6), undefined);
  });
});
