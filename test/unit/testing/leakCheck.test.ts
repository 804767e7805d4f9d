// test/leakCheck.ts on the temporary folder: a run that leaves something under os.tmpdir() fails naming it; the
// folders made with tempDir() are removed; nothing of the checked run itself is left where it ran.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../../tempDir';

const root = path.resolve(__dirname, '../../../..');
const mocha = path.join(root, 'node_modules/mocha/bin/mocha.js');

/** Runs one fixture (out/test/fixtures/leakCheck/<name>.js) in a mocha of its own with TMPDIR = a fresh folder. */
function runFixture(name: string): { status: number | null; stderr: string; left: string[] } {
  const tmp = tempDir('vmbackup-leakcheck-');
  const r = spawnSync(
    process.execPath,
    [
      mocha,
      '--no-config',
      '--require',
      path.join(root, 'out/test/leakCheck.js'),
      path.join(root, `out/test/fixtures/leakCheck/${name}.js`),
    ],
    { cwd: root, env: { ...process.env, TMPDIR: tmp }, encoding: 'utf8', timeout: 120_000 },
  );
  return { status: r.status, stderr: r.stderr, left: fs.readdirSync(tmp) };
}

describe('leakCheck: what a run leaves in the temporary folder', function () {
  this.timeout(180_000);

  it('fails a run that leaves a folder and a file, naming both, and removes them', () => {
    const r = runFixture('leavesFolder');
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /Left in the temporary folder by this run \(.*\): forgotten-\w{6}, stray\.txt/);
    assert.deepEqual(r.left, []);
  });

  it('passes a run whose folders come from tempDir(), and leaves nothing where it ran', () => {
    const r = runFixture('usesTempDir');
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /Left in the temporary folder/);
    assert.deepEqual(r.left, []);
  });
});
