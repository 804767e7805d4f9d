import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BackupRepository } from '../../../src/core/repository';
import { Journal } from '../../../src/core/journal';
import { REPOSITORY_GITIGNORE } from '../../../src/core/repositoryRoot';
import { tempDir } from '../../tempDir';

describe('a new repository inside a git work tree', () => {
  let top: string;
  beforeEach(() => {
    top = tempDir('vmbackup-gitrepo-');
  });
  afterEach(() => fs.rmSync(top, { recursive: true, force: true }));

  it('gets a .gitignore ignoring everything when the first backup folder makes it', () => {
    fs.mkdirSync(path.join(top, '.git'));
    const root = path.join(top, 'project', 'backups');
    new BackupRepository(root).newBackupDir('web-01', 'vm');
    assert.equal(fs.readFileSync(path.join(root, '.gitignore'), 'utf8'), REPOSITORY_GITIGNORE);
  });

  it('also when the journal is the first thing written (a git worktree: .git is a file)', async () => {
    fs.writeFileSync(path.join(top, '.git'), 'gitdir: /elsewhere\n');
    const root = path.join(top, 'repo');
    const j = new Journal(root);
    j.release(
      await j.begin({ connection: 'lab', platform: 'xen', vm: { id: 'r', uuid: 'u', name: 'web-01' }, before: [] }),
    );
    assert.ok(fs.existsSync(path.join(root, '.gitignore')));
  });

  it('not outside a work tree, and an existing folder is left as it is', () => {
    const outside = path.join(top, 'plain');
    new BackupRepository(outside).newBackupDir('web-01', 'vm');
    assert.ok(!fs.existsSync(path.join(outside, '.gitignore')) || !!gitAbove(top));
    fs.mkdirSync(path.join(top, '.git'));
    const existing = path.join(top, 'existing');
    fs.mkdirSync(existing);
    new BackupRepository(existing).newBackupDir('web-01', 'vm');
    assert.ok(!fs.existsSync(path.join(existing, '.gitignore')));
  });
});

/** The tmp folder itself might lie in a work tree on some machines. */
function gitAbove(dir: string): boolean {
  for (let d = dir; d !== path.dirname(d); d = path.dirname(d)) if (fs.existsSync(path.join(d, '.git'))) return true;
  return false;
}
