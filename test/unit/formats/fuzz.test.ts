import assert from 'node:assert/strict';
import {
  completionsAt,
  Diagnostic,
  hoverAt,
  LanguageId,
  LANGUAGE_IDS,
  parse,
  quickFixesFor,
  validate,
} from '../../../src/formats';
import { makeLargeBackuptoolsConf } from '../../../src/formats/benchSample';

const samples: Record<LanguageId, string> = {
  'vcb-config-js':
    '// VCB\nBACKUPROOT="C:\\\\vcb_mnts";\nHOST="esx.example.com";\nUSERNAME="vcbUser";\nPASSWORD="vcbpasswd";\n/* c */ TRANSPORT_MODE="nbdssl";\nPORT=443;\n',
  'backuptools-conf':
    '# c\nVCHOST="vc"\nUSERNAME=root\nPASSWORD=\'p$w\'\nDSPATH="[oldvms] %VMNAME%"\nTEMPDIR=${HOME}/t\nX=`date`\nFOLDERPATH=a\\\nb\n',
  'vcb-catalog':
    'config.vmx= "[ds1] vm37/vm37.vmx"\nconfig.logdir= "[ds1] vm37"\ndisk.scsi0:0.diskname= "[ds1] vm37/vm37.vmdk"\nhost= esx1\ndisplayname= "vm37"\n',
  'ovm-config':
    'DBTYPE=MySQL\nDBHOST=localhost\nSID=ovs\nLSNR=46500\nCOREPORT=54321\nUUID=0004fb00000100009e6f2b4bd8f5b6e5\nBUILDID=3.4.6.1\n',
  'ovmm-sysconfig':
    'DBBACKUP=/u01/app/oracle/mysql/dbbackup\nDBBACKUP_CMD=/opt/mysql/meb-3.12/bin/mysqlbackup\nUUID=0004fb00000100009e6f2b4bd8f5b6e5\n',
};

// Deterministic PRNG (mulberry32).
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const NASTY = [
  '"',
  "'",
  '`',
  '\\',
  '$',
  '${',
  '=',
  ' = ',
  '\n',
  '\r',
  '\r\n',
  '/*',
  '*/',
  '//',
  '#',
  '[',
  ']',
  ';',
  '%VMNAME%',
  '\u0000',
  '\uFEFF',
  '\uD800',
  '😀',
  '${HOME',
  '$(',
  '\\\n',
  '\t',
];

function mutate(r: () => number, base: string): string {
  let s = base;
  const n = 1 + Math.floor(r() * 8);
  for (let i = 0; i < n; i++) {
    const pos = Math.floor(r() * (s.length + 1));
    const op = Math.floor(r() * 6);
    if (op === 0) s = s.slice(0, pos) + NASTY[Math.floor(r() * NASTY.length)] + s.slice(pos);
    else if (op === 1) s = s.slice(0, pos) + s.slice(pos + 1 + Math.floor(r() * 5));
    else if (op === 2) s = s.slice(0, pos) + String.fromCharCode(Math.floor(r() * 65536)) + s.slice(pos);
    else if (op === 3) s = s.slice(0, pos) + s.slice(Math.floor(r() * s.length));
    else if (op === 4) s = s.slice(0, pos) + 'x'.repeat(Math.floor(r() * 5000)) + s.slice(pos);
    else
      s =
        s
          .split('')
          .reverse()
          .join('')
          .slice(0, Math.floor(r() * s.length) + 1) + s;
  }
  return s;
}
function randomBytes(r: () => number): string {
  const n = Math.floor(r() * 400);
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(Math.floor(r() * 256));
  return s;
}

function checkRanges(text: string, diags: Diagnostic[]): void {
  for (const d of diags) {
    assert.ok(
      d.range.start.offset >= 0 && d.range.start.offset <= d.range.end.offset && d.range.end.offset <= text.length,
      `${d.code} range out of text`,
    );
    assert.ok(['error', 'warning', 'information'].includes(d.severity));
    assert.equal(typeof d.code, 'string');
  }
}

describe('formats: fuzz (never throws, ranges inside the text)', function () {
  this.timeout(120000);
  for (const lang of LANGUAGE_IDS) {
    it(`${lang}: 320 malformed inputs`, () => {
      const r = rng(lang.length * 7919);
      const inputs: string[] = [
        '',
        '\n',
        '"',
        "'",
        '=',
        '/*',
        '${',
        '`',
        'KEY=',
        '=value',
        'A'.repeat(200000) + '=' + '"'.repeat(3),
        '"unbalanced\n'.repeat(50),
      ];
      while (inputs.length < 320) inputs.push(r() < 0.2 ? randomBytes(r) : mutate(r, samples[lang]));
      for (const text of inputs) {
        const diags = validate(lang, text);
        checkRanges(text, diags);
        const p = parse(lang, text);
        for (const e of p.entries) {
          assert.ok(e.keyRange.end.offset <= text.length && e.valueRange.end.offset <= text.length);
          assert.equal(text.slice(e.valueRange.start.offset, e.valueRange.end.offset), e.rawValue);
        }
        const off = Math.floor(r() * (text.length + 1));
        completionsAt(lang, text, off);
        hoverAt(lang, text, off);
        for (const d of diags.slice(0, 5)) {
          for (const f of quickFixesFor(lang, text, d))
            assert.ok(f.range.end.offset <= text.length && f.range.start.offset <= f.range.end.offset);
        }
      }
    });
  }
  it('2,000-line backuptools.conf validates quickly', () => {
    const text = makeLargeBackuptoolsConf(2000);
    assert.equal(text.split('\n').length - 1, 2000);
    const t0 = Date.now();
    checkRanges(text, validate('backuptools-conf', text));
    assert.ok(Date.now() - t0 < 2000);
  });
});
