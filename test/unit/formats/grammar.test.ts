// The TextMate grammars run through the real tokenizer VS Code uses (vscode-textmate + oniguruma):
// each row names a line of a sample file, a piece of text on it and the scope that text must get.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

const root = path.resolve(__dirname, '../../../..');
const GRAMMARS: Record<string, string> = {
  'vcb-config-js': 'vcb-config-js',
  'backuptools-conf': 'backuptools-conf',
  'vcb-catalog': 'vcb-catalog',
  'ovm-config': 'ovm-config',
  'ovmm-sysconfig': 'ovmm-sysconfig',
};

interface Row {
  lang: string;
  lines: string[];
  line?: number;
  text: string;
  nth?: number;
  scope: string;
  not?: string;
}

const rows: Row[] = [
  // VCB config.js
  {
    lang: 'vcb-config-js',
    lines: ['BACKUPROOT="C:\\\\vcb_mnts";'],
    text: 'BACKUPROOT',
    scope: 'variable.other.assignment.js',
  },
  {
    lang: 'vcb-config-js',
    lines: ['BACKUPROOT="C:\\\\vcb_mnts";'],
    text: '=',
    scope: 'keyword.operator.assignment.js',
  },
  {
    lang: 'vcb-config-js',
    lines: ['BACKUPROOT="C:\\\\vcb_mnts";'],
    text: 'vcb_mnts',
    scope: 'string.quoted.double.js',
  },
  {
    lang: 'vcb-config-js',
    lines: ['BACKUPROOT="C:\\\\vcb_mnts";'],
    text: '\\\\',
    scope: 'constant.character.escape.js',
  },
  {
    lang: 'vcb-config-js',
    lines: ['BACKUPROOT="C:\\\\vcb_mnts";'],
    text: ';',
    scope: 'punctuation.terminator.statement.js',
  },
  { lang: 'vcb-config-js', lines: ['PORT=443;'], text: '443', scope: 'constant.numeric.js' },
  {
    lang: 'vcb-config-js',
    lines: ['// proxy settings', 'HOST="vc";'],
    line: 0,
    text: '// proxy settings',
    scope: 'comment.line.double-slash.js',
  },
  {
    lang: 'vcb-config-js',
    lines: ['/* a', 'HOST="vc"; */', 'USERNAME="u";'],
    line: 1,
    text: 'HOST="vc"; ',
    scope: 'comment.block.js',
  },
  {
    lang: 'vcb-config-js',
    lines: ['/* a', 'HOST="vc"; */', 'USERNAME="u";'],
    line: 2,
    text: 'USERNAME',
    scope: 'variable.other.assignment.js',
  },
  { lang: 'vcb-config-js', lines: ['var LOGLEVEL="3";'], text: 'var', scope: 'storage.type.var.js' },
  {
    lang: 'vcb-config-js',
    lines: ['BACKUPROOT="D:\\\\%VMNAME%";'],
    text: '%VMNAME%',
    scope: 'constant.other.placeholder.js',
  },
  {
    lang: 'vcb-config-js',
    lines: ['HOST="vc" == 1;'],
    text: '==',
    scope: 'source.vmbackup.vcb-config-js',
    not: 'keyword.operator.assignment.js',
  },
  // backuptools.conf (shell)
  {
    lang: 'backuptools-conf',
    lines: ['VCHOST="vc.example.com"'],
    text: 'VCHOST',
    scope: 'variable.other.assignment.shell',
  },
  {
    lang: 'backuptools-conf',
    lines: ['VCHOST="vc.example.com"'],
    text: '=',
    scope: 'keyword.operator.assignment.shell',
  },
  {
    lang: 'backuptools-conf',
    lines: ['VCHOST="vc.example.com"'],
    text: 'vc.example.com',
    scope: 'string.quoted.double',
  },
  {
    lang: 'backuptools-conf',
    lines: ["PASSWORD='pa$x'"],
    text: 'pa$x',
    scope: 'string.quoted.single.shell',
    not: 'variable.other.normal.shell',
  },
  {
    lang: 'backuptools-conf',
    lines: ['TEMPDIR=/var/tmp/vcb'],
    text: '/var/tmp/vcb',
    scope: 'string.unquoted.value.shell',
  },
  { lang: 'backuptools-conf', lines: ['export TEMPDIR=/tmp'], text: 'export', scope: 'storage.modifier.export.shell' },
  {
    lang: 'backuptools-conf',
    lines: ['# service console', 'VCHOST=vc'],
    line: 0,
    text: '# service console',
    scope: 'comment.line.number-sign',
  },
  { lang: 'backuptools-conf', lines: ['TEMPDIR=/tmp # scratch'], text: '# scratch', scope: 'comment.line.number-sign' },
  {
    lang: 'backuptools-conf',
    lines: ['URL=http://h/#frag'],
    text: '#frag',
    scope: 'string.unquoted.value.shell',
    not: 'comment.line.number-sign',
  },
  {
    lang: 'backuptools-conf',
    lines: ['VMNAMECACHE="${TEMPDIR}/cache"'],
    text: '${TEMPDIR}',
    scope: 'variable.other.bracket.shell',
  },
  {
    lang: 'backuptools-conf',
    lines: ['VMNAMECACHE=$TEMPDIR/cache'],
    text: '$TEMPDIR',
    scope: 'variable.other.normal.shell',
  },
  {
    lang: 'backuptools-conf',
    lines: ['VCHOST=`hostname`'],
    text: 'hostname',
    scope: 'string.interpolated.backtick.shell',
  },
  { lang: 'backuptools-conf', lines: ['PASSWORD="pa\\$x"'], text: '\\$', scope: 'constant.character.escape.shell' },
  {
    lang: 'backuptools-conf',
    lines: ['DSPATH="[oldvms] %VMNAME%"'],
    text: '%VMNAME%',
    scope: 'constant.other.placeholder.shell',
  },
  {
    lang: 'backuptools-conf',
    lines: ['DSPATH="[oldvms] %VMNAME%"'],
    text: 'oldvms',
    scope: 'entity.name.tag.datastore',
  },
  {
    lang: 'backuptools-conf',
    lines: ['RESOURCEPOOL="/ha-folder-root/ha-datacenter/host/%VMHOST%/Resources"'],
    text: '%VMHOST%',
    scope: 'constant.other.placeholder.shell',
  },
  {
    lang: 'backuptools-conf',
    lines: ['FOLDERPATH="/vm/a \\', 'b"'],
    line: 1,
    text: 'b',
    scope: 'string.quoted.double',
  },
  // VCB catalog (key= "value" / key=value)
  {
    lang: 'vcb-catalog',
    lines: ['config.vmx= "[storage1] vm37/vm37.vmx"'],
    text: 'config.vmx',
    scope: 'variable.other.key',
  },
  {
    lang: 'vcb-catalog',
    lines: ['config.vmx= "[storage1] vm37/vm37.vmx"'],
    text: '=',
    scope: 'keyword.operator.assignment',
  },
  {
    lang: 'vcb-catalog',
    lines: ['config.vmx= "[storage1] vm37/vm37.vmx"'],
    text: 'storage1',
    scope: 'entity.name.tag.datastore',
  },
  {
    lang: 'vcb-catalog',
    lines: ['config.vmx= "[storage1] vm37/vm37.vmx"'],
    text: ' vm37/vm37.vmx',
    scope: 'string.quoted.double',
  },
  {
    lang: 'vcb-catalog',
    lines: ['disk.scsi0:0.diskname= "[ds1] vm37/vm37.vmdk"'],
    text: 'disk.scsi0:0.diskname',
    scope: 'variable.other.key',
  },
  { lang: 'vcb-catalog', lines: ['host=myserver.mydomain'], text: 'host', scope: 'variable.other.key' },
  { lang: 'vcb-catalog', lines: ['host=myserver.mydomain'], text: 'myserver.mydomain', scope: 'string.unquoted.value' },
  {
    lang: 'vcb-catalog',
    lines: ['# edited copy', 'host=h'],
    line: 0,
    text: '# edited copy',
    scope: 'comment.line.number-sign',
  },
  // Oracle VM Manager .config
  { lang: 'ovm-config', lines: ['DBTYPE=MySQL'], text: 'DBTYPE', scope: 'variable.other.key' },
  { lang: 'ovm-config', lines: ['LSNR=49500'], text: '49500', scope: 'constant.numeric' },
  {
    lang: 'ovm-config',
    lines: ['UUID=0004fb00000100009e6f2b4bd8f5b6e5'],
    text: '0004fb00000100009e6f2b4bd8f5b6e5',
    scope: 'string.unquoted.value',
  },
  {
    lang: 'ovm-config',
    lines: ['BUILDID=3.4.6.2105'],
    text: '3.4.6.2105',
    scope: 'string.unquoted.value',
    not: 'constant.numeric',
  },
  // /etc/sysconfig/ovmm
  {
    lang: 'ovmm-sysconfig',
    lines: ['DBBACKUP_CMD=/opt/mysql/meb-4.1/bin/mysqlbackup'],
    text: 'DBBACKUP_CMD',
    scope: 'variable.other.assignment.shell',
  },
  {
    lang: 'ovmm-sysconfig',
    lines: ['DBBACKUP="/u01/app/oracle/mysql/dbbackup"'],
    text: '/u01/app/oracle/mysql/dbbackup',
    scope: 'string.quoted.double',
  },
  {
    lang: 'ovmm-sysconfig',
    lines: ['# backups', 'DBBACKUP=/u01'],
    line: 0,
    text: '# backups',
    scope: 'comment.line.number-sign',
  },
];

let registry: vsctm.Registry;
const grammars = new Map<string, vsctm.IGrammar>();

before(async () => {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (s: string[]) => new oniguruma.OnigScanner(s),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) => {
      const lang = Object.keys(GRAMMARS).find((l) => `source.vmbackup.${l}` === scopeName);
      if (!lang) return null;
      const file = path.join(root, 'syntaxes', `${GRAMMARS[lang]}.tmLanguage.json`);
      return vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
    },
  });
  for (const lang of Object.keys(GRAMMARS)) {
    const g = await registry.loadGrammar(`source.vmbackup.${lang}`);
    assert.ok(g, `grammar of ${lang} loads`);
    grammars.set(lang, g);
  }
});

function tokenize(lang: string, lines: string[]): Array<Array<{ text: string; scopes: string[] }>> {
  const g = grammars.get(lang)!;
  let stack = vsctm.INITIAL;
  return lines.map((line) => {
    const r = g.tokenizeLine(line, stack);
    stack = r.ruleStack;
    return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

describe('formats: TextMate grammars through vscode-textmate', () => {
  it('every language in package.json points at a grammar that is tested here', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    const contributed = (pkg.contributes.grammars as Array<{ language: string; scopeName: string; path: string }>).map(
      (g) => [g.language, g.scopeName, path.basename(g.path)],
    );
    assert.deepEqual(
      contributed.sort(),
      Object.keys(GRAMMARS)
        .map((l) => [l, `source.vmbackup.${l}`, `${GRAMMARS[l]}.tmLanguage.json`])
        .sort(),
    );
  });

  for (const row of rows) {
    const line = row.line ?? 0;
    it(`${row.lang}: "${row.text}" in ${JSON.stringify(row.lines[line])} is ${row.scope}${row.not ? ` (not ${row.not})` : ''}`, () => {
      const tokens = tokenize(row.lang, row.lines)[line];
      // Text may span several adjacent tokens (e.g. an escape inside a string): every covering token must carry the scope.
      const lineText = row.lines[line];
      const start = lineText.indexOf(row.text);
      assert.ok(start >= 0, 'sample text is on the line');
      const end = start + row.text.length;
      let pos = 0;
      const covering: Array<{ text: string; scopes: string[] }> = [];
      for (const t of tokens) {
        const ts = pos,
          te = pos + t.text.length;
        pos = te;
        if (te > start && ts < end) covering.push(t);
      }
      assert.equal(
        covering
          .map((t) => t.text)
          .join('')
          .includes(row.text),
        true,
        `tokens cover the text: ${JSON.stringify(tokens)}`,
      );
      for (const t of covering) {
        assert.ok(
          t.scopes.some((s) => s === row.scope || s.startsWith(row.scope + '.')),
          `"${t.text}" has ${t.scopes.join(' ')}, wanted ${row.scope}`,
        );
        if (row.not)
          assert.ok(
            !t.scopes.some((s) => s === row.not || s.startsWith(row.not + '.')),
            `"${t.text}" must not be ${row.not}: ${t.scopes.join(' ')}`,
          );
      }
    });
  }
});
