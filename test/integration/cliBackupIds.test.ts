// Backup ids as the CLI prints them can be typed back unquoted: the pool database backup's folder is
// "pool <pool name>/…", and `catalog` printed that space. The printed id works, and so does the older (quoted) form.
import { strict as assert } from 'node:assert';
import { runCli } from './cliRun';
import { XapiLab } from '../lab/xapi';
import { startCliLab } from './cliLab';

const PASSWORD = 'cli-ids-pw-7';

describe('vmbackup catalog: ids to type back', function () {
  this.timeout(180_000);
  let lab: XapiLab | undefined;
  let ws = '';
  const vmb = (args: string[]) => runCli(args, { ws, env: { VMBACKUP_PASSWORD_LAB: PASSWORD } });

  before(async () => {
    ({ lab, ws } = await startCliLab(PASSWORD, 'vmbackup-ids-'));
  });
  after(async () => {
    await lab?.close();
  });

  it('backup-pool: catalog prints an id without spaces; verify takes it, and the folder form too', async () => {
    await vmb(['backup-pool']);
    const { stdout } = await vmb(['catalog']);
    const row = stdout.split('\n').find((l) => l.includes('pool-metadata'))!;
    const id = row.split(/\s+/)[0];
    assert.match(id, /^pool%20.+\/[\d-]+-pool-metadata$/, stdout);
    assert.doesNotMatch(id, /[\s"'`$&|;<>()*?!#~\\]/);
    assert.equal((await vmb(['verify', id])).stdout.trim(), `${id}: OK`);
    const folder = (JSON.parse((await vmb(['catalog', '--json'])).stdout) as Array<{ id: string; kind: string }>).find(
      (e) => e.kind === 'pool-metadata',
    )!.id;
    assert.match(folder, / /, 'the folder itself keeps its name');
    assert.equal((await vmb(['verify', folder])).stdout.trim(), `${id}: OK`);
  });
});
