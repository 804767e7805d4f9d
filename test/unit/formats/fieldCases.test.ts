// Issue #13: every real-world file in shared/field-cases/config-files, validated from its bytes exactly as
// `vmbackup validate` does, against the diagnostics its expected.md gives.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  Diagnostic,
  LanguageId,
  detectLanguage,
  quickFixesFor,
  sniffText,
  validate,
  validateBytes,
} from '../../../src/formats';
import { fieldCasesDir } from './fieldCases';

interface Want {
  code?: string;
  severity?: Diagnostic['severity'];
  at: string;
  message?: RegExp;
  to?: string;
}
interface Row {
  id: string;
  file: string;
  lang?: LanguageId;
  encoding?: string;
  /** Diagnostics that must be there (at = 1-based line:col of the start; to = of the end). */
  want?: Want[];
  /** When set, no error or warning other than `want` may appear (informations may). */
  onlyThese?: boolean;
  /** No diagnostic of any severity. */
  none?: boolean;
  check?: (d: Diagnostic[], text: string, lang: LanguageId) => void;
}

const pos = (d: Diagnostic) => `${d.range.start.line + 1}:${d.range.start.character + 1}`;
const end = (d: Diagnostic) => `${d.range.end.line + 1}:${d.range.end.character + 1}`;
const loud = (d: Diagnostic) => d.severity !== 'information';

/** Applies the first quick fix of a diagnostic (with `title` when given) to the text. */
function applyFix(lang: LanguageId, text: string, d: Diagnostic, title?: RegExp): string {
  const fixes = quickFixesFor(lang, text, d);
  const f = title ? fixes.find((x) => title.test(x.title)) : fixes[0];
  assert.ok(f, `a quick fix for ${d.code} among ${JSON.stringify(fixes.map((x) => x.title))}`);
  return text.slice(0, f.range.start.offset) + f.newText + text.slice(f.range.end.offset);
}

const rows: Row[] = [
  {
    id: 'C01',
    file: 'C01-retrospect-config.js',
    lang: 'vcb-config-js',
    onlyThese: true,
    want: [{ code: 'plaintext-password', severity: 'warning', at: '7:10', message: /registry.*VMSA-2008-0014/ }],
    check: (d) => assert.doesNotMatch(d.find((x) => x.code === 'plaintext-password')!.message, /service console/),
  },
  {
    id: 'C02',
    file: 'C02-tsm-blog-pasted-config.js',
    lang: 'vcb-config-js',
    want: [
      { severity: 'error', at: '1:18', message: /postfix operation/ },
      { severity: 'error', at: '2:26', message: /postfix operation/ },
      { severity: 'error', at: '3:22', message: /postfix operation/ },
      { severity: 'error', at: '4:14', message: /postfix operation/ },
      { code: 'unquoted-value', severity: 'error', at: '5:16', to: '5:19', message: /nbd is not defined/ },
    ],
    check: (d) =>
      assert.ok(!d.some((x) => x.code === 'missing-required'), 'no "missing key" cascade on a file that cannot run'),
  },
  {
    id: 'C03',
    file: 'C03-tsm-clean-config.js',
    lang: 'vcb-config-js',
    onlyThese: true,
    want: [{ code: 'unquoted-value', severity: 'error', at: '5:16', to: '5:19', message: /ReferenceError/ }],
    check: (d, text, lang) => {
      const fixed = applyFix(
        lang,
        text,
        d.find((x) => x.code === 'unquoted-value')!,
      );
      assert.match(fixed, /TRANSPORT_MODE="nbd";/);
      assert.deepEqual(validate(lang, fixed).filter(loud), []);
    },
  },
  {
    id: 'C04',
    file: 'C04-vmsa-registry-password-config.js',
    lang: 'vcb-config-js',
    onlyThese: true,
    want: [],
    check: (d) => assert.match(d.find((x) => x.code === 'password-source')?.message ?? '', /registry/),
  },
  {
    id: 'C05',
    file: 'C05-vcb15-sspi-hotadd-config.js',
    lang: 'vcb-config-js',
    onlyThese: true,
    want: [{ code: 'hotadd-note', severity: 'information', at: '4:16' }],
  },
  {
    id: 'C06',
    file: 'C06-single-backslash-config.js',
    lang: 'vcb-config-js',
    onlyThese: true,
    want: [
      { code: 'single-backslash', severity: 'warning', at: '1:15' },
      { code: 'single-backslash', severity: 'warning', at: '1:19' },
      { code: 'single-backslash', severity: 'warning', at: '1:27' },
    ],
  },
  { id: 'C07', file: 'C07-notepad-unicode-utf16le-config.js', lang: 'vcb-config-js', none: true },
  { id: 'C09', file: 'C09-japanese-sjis-config.js', lang: 'vcb-config-js', encoding: 'cp932', none: true },
  { id: 'C09 (encoding not given)', file: 'C09-japanese-sjis-config.js', lang: 'vcb-config-js', none: true },
  {
    id: 'C10',
    file: 'C10-hash-comment-config.js',
    lang: 'vcb-config-js',
    onlyThese: true,
    want: [{ severity: 'error', at: '5:24', message: /#/ }],
    check: (d, text, lang) =>
      assert.deepEqual(
        validate(
          lang,
          applyFix(
            lang,
            text,
            d.find((x) => x.severity === 'error')!,
          ),
        ).filter(loud),
        [],
      ),
  },
  {
    id: 'C11',
    file: 'C11-vmsa-backuptools.conf',
    lang: 'backuptools-conf',
    onlyThese: true,
    want: [{ code: 'plaintext-password', severity: 'warning', at: '4:10', message: /appendix A/ }],
  },
  {
    id: 'C12',
    file: 'C12-thumbprint-openssl-line-quoted.conf',
    lang: 'backuptools-conf',
    onlyThese: true,
    want: [
      { code: 'thumbprint-format', severity: 'error', at: '3:17', message: /remove the "SHA1 Fingerprint=" prefix/ },
    ],
    check: (d, text, lang) => {
      const fixed = applyFix(
        lang,
        text,
        d.find((x) => x.code === 'thumbprint-format')!,
        /Remove "SHA1 Fingerprint="/,
      );
      assert.match(fixed, /^HOST_THUMBPRINT="5A:0F:3C:91:D2:7E:44:B8:A1:6C:0D:E9:23:7F:B4:58:C6:1A:9E:02"$/m);
      assert.deepEqual(validate(lang, fixed).filter(loud), []);
    },
  },
  {
    id: 'C14',
    file: 'C14-thumbprint-sha256.conf',
    lang: 'backuptools-conf',
    onlyThese: true,
    want: [{ code: 'thumbprint-format', severity: 'error', at: '3:17', message: /SHA-256.*-sha1/ }],
  },
  {
    id: 'C15',
    file: 'C15-crlf-backuptools.conf',
    lang: 'backuptools-conf',
    onlyThese: true,
    want: [
      { code: 'crlf', severity: 'error', at: '2:25', message: /VCHOST's value ends with "\\r"/ },
      { code: 'crlf', severity: 'error', at: '3:17' },
      { code: 'crlf', severity: 'error', at: '4:38' },
    ],
    check: (d, text, lang) => {
      const fixed = applyFix(lang, text, d[0], /Convert to LF/);
      assert.ok(!fixed.includes('\r'));
      assert.deepEqual(validate(lang, fixed), []);
    },
  },
  {
    id: 'C16',
    file: 'C16-bom-backuptools.conf',
    lang: 'backuptools-conf',
    onlyThese: true,
    want: [
      {
        code: 'bom',
        severity: 'error',
        at: '1:1',
        message: /byte order mark.*command not found.*unset|byte order mark.*command not found/,
      },
    ],
    check: (d, text, lang) => assert.deepEqual(validate(lang, applyFix(lang, text, d[0])), []),
  },
  {
    id: 'C17',
    file: 'C17-ja-fullwidth-space.conf',
    lang: 'backuptools-conf',
    onlyThese: true,
    want: [{ severity: 'error', at: '3:10', message: /U\+3000.*"#".*管理者ユーザー.*USERNAME stays unset/ }],
    check: (d, text, lang) =>
      assert.deepEqual(
        validate(
          lang,
          applyFix(
            lang,
            text,
            d.find((x) => x.severity === 'error')!,
            /U\+3000/,
          ),
        ).filter(loud),
        [],
      ),
  },
  {
    id: 'C18',
    file: 'C18-shell-rules.conf',
    lang: 'backuptools-conf',
    onlyThese: true,
    want: [
      { code: 'space-around-equals', severity: 'error', at: '1:7', message: /runs "VCHOST" as a command/ },
      { code: 'space-around-equals', severity: 'error', at: '2:9', message: /runs "vcbuser" as a command/ },
      { code: 'plaintext-password', severity: 'warning', at: '3:10' },
      { code: 'unescaped-dollar', severity: 'warning', at: '3:12' },
    ],
    check: (d) =>
      assert.ok(!d.some((x) => x.range.start.line >= 3), 'nothing on the tab-indented line or the single-quoted $1'),
  },
  { id: 'C19', file: 'C19-appendixB-backuptools.conf', lang: 'backuptools-conf', onlyThese: true, want: [] },
  {
    id: 'C20',
    file: 'C20-quick-restore/catalog',
    onlyThese: true,
    want: [{ code: 'resourcepool-host-mismatch', severity: 'warning', at: '6:15' }],
  },
  {
    id: 'C22',
    file: 'C22-partial-datastore-edit/catalog',
    onlyThese: true,
    want: [2, 3, 4, 5].map((l) => ({
      code: 'datastore-paths-differ',
      severity: 'warning' as const,
      at: `${l}:${[0, 0, 20, 16, 24, 24][l]}`,
    })),
  },
  {
    id: 'C23',
    file: 'C23-windows-paths/catalog',
    onlyThese: true,
    want: [['1:13'], ['2:20'], ['3:16'], ['4:24']].map(([at]) => ({
      code: 'datastore-path-backslash',
      severity: 'warning' as const,
      at,
    })),
    check: (d, text, lang) => {
      let fixed = text;
      for (const x of [...d].reverse())
        fixed = applyFix(
          lang,
          fixed,
          validate(lang, fixed).find((y) => y.code === x.code && y.range.start.line === x.range.start.line)!,
        );
      assert.deepEqual(validate(lang, fixed).filter(loud), [], 'with "/" the paths agree');
    },
  },
  { id: 'C25', file: 'C25-ovm34/ovm-manager-3/.config', onlyThese: true, want: [] },
  {
    id: 'C27',
    file: 'C27-ovm-export-loop/ovm-manager-3/.config',
    onlyThese: true,
    want: [
      { code: 'space-around-equals', severity: 'warning', at: '4:5' },
      { code: 'trailing-comment', severity: 'warning', at: '6:16', message: /export/ },
    ],
  },
  { id: 'C28', file: 'C28-ovmm-docs/sysconfig/ovmm', none: true },
  {
    id: 'C29',
    file: 'C29-ovmm-nfs-space/sysconfig/ovmm',
    onlyThese: true,
    want: [
      {
        code: 'unquoted-space',
        severity: 'error',
        at: '1:10',
        message: /runs "share\/ovm-dbbackup" as a command.*DBBACKUP stays unset/,
      },
    ],
  },
  {
    id: 'C31',
    file: 'C31-empty-config.js',
    lang: 'vcb-config-js',
    onlyThese: true,
    want: [
      { code: 'missing-required', severity: 'error', at: '1:1', message: /HOST/ },
      { code: 'missing-required', severity: 'error', at: '1:1', message: /USERNAME/ },
    ],
    check: (d) => assert.ok(!d.some((x) => /PASSWORD/.test(x.message) && loud(x))),
  },
  {
    id: 'C32',
    file: 'C32-binary/catalog',
    onlyThese: true,
    want: [{ code: 'binary-file', severity: 'error', at: '1:1', message: /VMDK/ }],
    check: (d) => {
      assert.equal(d.length, 1, 'one diagnostic, not one per line');
      assert.ok(d[0].message.length < 300);
      assert.doesNotMatch(d[0].message, /[\u0000-\u001f\u007f-\u009f]/);
    },
  },
  { id: 'C33', file: 'C33-long-line-config.js', lang: 'vcb-config-js', none: true },
  {
    id: 'C34',
    file: 'C34-50000-lines-config.js',
    lang: 'vcb-config-js',
    check: (d) => {
      assert.equal(d.filter((x) => x.code === 'duplicate-key' && x.severity === 'warning').length, 29988);
      assert.deepEqual(
        d.filter((x) => loud(x) && x.code !== 'duplicate-key' && x.code !== 'plaintext-password').map((x) => x.code),
        [],
      );
    },
  },
  {
    id: 'C35',
    file: 'C35-2000-lines-backuptools.conf',
    lang: 'backuptools-conf',
    check: (d) => {
      assert.ok(d.some((x) => x.code === 'duplicate-key'));
      assert.deepEqual([...new Set(d.filter(loud).map((x) => x.code))], ['duplicate-key']);
    },
  },
  {
    id: 'C39',
    file: 'C39-utf8-japanese-value-config.js',
    lang: 'vcb-config-js',
    onlyThese: true,
    want: [{ code: 'single-backslash', severity: 'warning', at: '2:23' }],
  },
  {
    id: 'C40',
    file: 'C40-transport-mode-case-and-typo-config.js',
    lang: 'vcb-config-js',
    onlyThese: true,
    want: [
      { code: 'invalid-value', severity: 'error', at: '5:16' },
      { code: 'unknown-key', severity: 'warning', at: '6:1', message: /did you mean PREEXISTING_VCB_SNAPSHOT\?/ },
    ],
  },
];

describe('formats: real-world field cases (issue #13)', () => {
  const dir = fieldCasesDir();

  it('covers every case file of expected.md', () => {
    const listed = [...fs.readFileSync(path.join(dir, 'expected.md'), 'utf8').matchAll(/^\| (C\d+) \|/gm)].map(
      (m) => m[1],
    );
    const tested = new Set([...rows.map((r) => r.id.split(' ')[0]), 'C30']);
    assert.deepEqual(
      listed.filter((c) => !tested.has(c)),
      [],
    );
    assert.equal(listed.length, 32);
  });

  for (const row of rows) {
    it(`${row.id}: ${row.file}`, () => {
      const file = path.join(dir, row.file);
      const bytes = fs.readFileSync(file);
      const lang = row.lang ?? detectLanguage(file, sniffText(bytes));
      assert.ok(lang, `${row.file} is recognised`);
      const { diagnostics: d, text } = validateBytes(lang, bytes, row.encoding);
      const show = () => JSON.stringify(d.map((x) => `${pos(x)} ${x.severity} ${x.code}`));
      if (row.none)
        assert.deepEqual(
          d.map((x) => `${pos(x)} ${x.code}: ${x.message}`),
          [],
        );
      const matched = new Set<Diagnostic>();
      for (const w of row.want ?? []) {
        const hit = d.find(
          (x) =>
            !matched.has(x) &&
            pos(x) === w.at &&
            (!w.code || x.code === w.code) &&
            (!w.severity || x.severity === w.severity) &&
            (!w.message || w.message.test(x.message)) &&
            (!w.to || end(x) === w.to),
        );
        assert.ok(
          hit,
          `expected ${w.severity ?? ''} ${w.code ?? ''} at ${w.at}${w.message ? ` matching ${w.message}` : ''}; got ${show()}`,
        );
        matched.add(hit);
      }
      if (row.onlyThese)
        assert.deepEqual(
          d.filter((x) => loud(x) && !matched.has(x)).map((x) => `${pos(x)} ${x.code}: ${x.message}`),
          [],
        );
      row.check?.(d, text, lang);
    });
  }

  it('C30: a .config under a mistyped folder (ovm-manager3) is not recognised without --language, by design', () => {
    const file = path.join(dir, 'C30-ovm-path-typo/ovm-manager3/.config');
    assert.equal(detectLanguage(file, sniffText(fs.readFileSync(file))), undefined);
  });
});
