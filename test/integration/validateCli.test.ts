// `vmbackup validate` as a user runs it (issue #13): bytes decoded as the reader does, --encoding, control characters
// escaped on the terminal, --json parseable, catalogs recognised by content.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from './cliRun';
import { tempDir } from '../tempDir';

type Out = { code?: number; stdout: string; stderr: string };
const vmb = (args: string[]): Promise<Out> =>
  runCli(['validate', ...args], { maxBuffer: 64 << 20 }).then(
    (r) => ({ code: 0, ...r }),
    (e) => e as Out,
  );

describe('vmbackup validate on real-world files', function () {
  this.timeout(30_000);
  const dir = tempDir('vmbackup-validate13-');
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a directory, a missing file and a file of unknown type: one line each naming the file, exit 1', async () => {
    const sub = path.join(dir, 'a-folder');
    fs.mkdirSync(sub, { recursive: true });
    const other = path.join(dir, 'notes.txt');
    fs.writeFileSync(other, 'hello\n');
    const r = await vmb([sub, path.join(dir, 'missing.conf'), other]);
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.stderr, /EISDIR: illegal|ENOENT: no such file or directory, open/, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.deepEqual(lines, [
      `${sub}: cannot read (EISDIR): is a directory: name the files in it`,
      `${path.join(dir, 'missing.conf')}: cannot read (ENOENT): no such file`,
      `${other}: unknown file type: name its type with --language (vcb-config-js, backuptools-conf, vcb-catalog, ovm-config, ovmm-sysconfig)`,
    ]);
  });

  it('never writes a control character from a file to the terminal', async () => {
    const f = path.join(dir, 'esc\u001b[31m', 'backuptools.conf');
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, 'VCHOST=vc\nTEMPD\u001b]0;pwned\u0007IR=/tmp\nHOST_THUMBPRINT="\u001b[2J\u009b31m"\n');
    const r = await vmb([f]);
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.stdout, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/, JSON.stringify(r.stdout));
    assert.match(r.stdout, /esc\\e\[31m/, 'the file name is shown escaped');
  });

  it('decodes a Shift_JIS config.js (auto and --encoding cp932) and refuses an unknown encoding', async () => {
    const f = path.join(dir, 'config.js');
    fs.writeFileSync(
      f,
      Buffer.concat([
        Buffer.from('HOST="vc";\r\nUSERNAME="u";\r\nBACKUPROOT="E:\\\\'),
        Buffer.from([0x95, 0x5c]),
        Buffer.from('";\r\n'),
      ]),
    );
    assert.equal((await vmb([f, '--language', 'vcb-config-js'])).code, 0);
    const r = await vmb([f, '--language', 'vcb-config-js', '--encoding', 'cp932', '--json']);
    assert.equal(r.code, 0, r.stdout);
    assert.equal(JSON.parse(r.stdout)[0].encoding, 'cp932');
    assert.equal(
      (await vmb([f, '--language', 'vcb-config-js', '--encoding', 'windows-1252'])).code,
      1,
      'read as windows-1252, the 0x5C escapes the quote',
    );
    const bad = await vmb([f, '--language', 'vcb-config-js', '--encoding', 'no-such']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /unknown encoding "no-such"/);
  });

  it('--json of many diagnostics is one valid JSON document', async () => {
    const f = path.join(dir, 'many.js');
    fs.writeFileSync(f, 'HOST="a";USERNAME="u";\n' + 'HOST="b";\n'.repeat(3000));
    const r = await vmb([f, '--language', 'vcb-config-js', '--json']);
    const data = JSON.parse(r.stdout);
    assert.equal(data.length, 1);
    assert.equal(data[0].diagnostics.filter((d: { code: string }) => d.code === 'duplicate-key').length, 3000);
    assert.equal(data[0].diagnostics.find((d: { code: string }) => d.code === 'duplicate-key').range.start.line, 1);
  });

  it('recognises an edited copy of a catalog by its config.vmx line (vcbRestore -a)', async () => {
    const f = path.join(dir, 'my-alt-catalog');
    fs.writeFileSync(
      f,
      'config.vmx= "[storage1] web01/web01.vmx"\nhost=esx02.example.test\nresourcepool= "/ha-folder-root/ha-datacenter/host/esx01.example.test/Resources"\n',
    );
    const r = await vmb([f, '--json']);
    const data = JSON.parse(r.stdout);
    assert.equal(data[0].languageId, 'vcb-catalog');
    assert.ok(data[0].diagnostics.some((d: { code: string }) => d.code === 'resourcepool-host-mismatch'));
  });
});
