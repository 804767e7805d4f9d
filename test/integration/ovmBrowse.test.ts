// Browsing an Oracle VM Manager beyond the server pools, against the REST lab: a repository's contents (virtual disks
// with the VMs using them, VM files, an ISO) and the Manager's own jobs (running with progress, failed with the error
// verbatim, aborted; a job the product follows linked to it).
import * as assert from 'node:assert/strict';
import { OvmLab, SEED, startOvmLab } from '../lab/ovm';
import { PlatformJob } from '../../src/core/model';
import { operation } from '../../src/core/provider';
import { OracleVmProvider } from '../../src/providers/oraclevm/ovmProvider';
import { idSegment } from '../../src/providers/oraclevm/ovmClient';

const PASSWORD = 'ovm-Browse-52';

async function until<T>(what: string, fn: () => Promise<T | undefined>): Promise<T> {
  for (const end = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 20))) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
  }
}

describe('Oracle VM browsing: repository contents and Manager jobs', function () {
  this.timeout(120_000);
  let lab: OvmLab;
  let p: OracleVmProvider;
  const start = async (jobStepMs = 20) => {
    lab = await startOvmLab({ password: PASSWORD, jobStepMs });
    p = new OracleVmProvider(
      { name: 'ovm', platform: 'oraclevm', url: lab.url, username: 'admin', thumbprint: lab.thumbprint },
      { password: PASSWORD },
      { pollMs: 20 },
    );
    await p.connect();
  };
  afterEach(async () => {
    await lab?.close();
  });

  it("each repository's free space and size come from its file system (GET FileSystem/{fileSystemId}); one that cannot be read leaves that repository's space unknown", async () => {
    await start();
    lab.store.setFreeSize(SEED.repository, 123 * 2 ** 30, 456 * 2 ** 30);
    const byName = async () => new Map((await p.listStorage()).map((s) => [s.name, s]));
    let list = await byName();
    assert.deepEqual(
      [list.get(SEED.repository)!.freeBytes, list.get(SEED.repository)!.capacityBytes],
      [123 * 2 ** 30, 456 * 2 ** 30],
    );
    assert.deepEqual(
      [list.get(SEED.backupRepository)!.freeBytes, list.get(SEED.backupRepository)!.capacityBytes],
      [0.8 * 2048 * 2 ** 30, 2048 * 2 ** 30],
    );
    const fsId = lab.store.repoByName(SEED.repository).fileSystemId!.value;
    assert.ok(lab.requests.some((r) => r.startsWith(`GET /ovm/core/wsapi/rest/FileSystem/${fsId} `)));
    lab.store.objects.get('FileSystem')!.delete(fsId);
    list = await byName();
    assert.equal(list.get(SEED.repository)!.freeBytes, undefined, 'unknown, not zero');
    assert.ok(list.get(SEED.backupRepository)!.freeBytes! > 0, 'the other repository keeps its space');
  });

  it("lists a repository's VM files, its virtual disks with the VMs they are mapped into, and its ISO; an unknown repository is refused with the Manager's code", async () => {
    await start();
    assert.equal(p.capabilities.storageContents, true);
    const repo = (await p.listStorage()).find((s) => s.name === SEED.repository)!;
    const items = await operation(p, 'listStorageContents')(repo.id);
    const row = (kind: string, name: string) => items.find((i) => i.kind === kind && i.name === name);
    for (const vm of [SEED.running, SEED.stopped, SEED.hostile]) {
      const id = lab.store.vmByName(vm).id.value;
      assert.deepEqual(row('vmFiles', vm), {
        id,
        name: vm,
        kind: 'vmFiles',
        path: `/VirtualMachines/${id}/vm.cfg`,
        usedBy: [{ id, name: vm }],
      });
    }
    const web = lab.store.vmByName(SEED.running).id.value;
    for (const d of ['web01_disk0.img', 'web01_disk1.img']) {
      const i = row('virtualDisk', d);
      assert.ok(i, `${d} in ${JSON.stringify(items)}`);
      assert.deepEqual([i.sizeBytes, i.usedBy], [lab.store.diskBytes, [{ id: web, name: SEED.running }]]);
      const stored = lab.store.all('VirtualDisk').find((x) => x.name === d)!;
      assert.deepEqual([i.id, i.path], [stored.id.value, `/VirtualDisks/${stored.id.value}`]);
    }
    assert.deepEqual(row('iso', SEED.iso)?.usedBy, []);
    assert.equal(items.filter((i) => i.kind === 'virtualDisk').length, 4);
    // The backup repository holds nothing.
    const backup = (await p.listStorage()).find((s) => s.name === SEED.backupRepository)!;
    assert.deepEqual(await p.listStorageContents(backup.id), []);
    await assert.rejects(p.listStorageContents('0004fb00000300000000000000000000'), /OVMAPI_WS_0001E/);
    assert.ok(
      lab.requests.some((r) => r.startsWith(`GET /ovm/core/wsapi/rest/Repository/${repo.id}/VirtualDisk `)),
      'read from Repository/{id}/VirtualDisk',
    );
  });

  it('lists the Manager jobs: a running one with its progress message first, linked to the product job following it; then succeeded', async () => {
    await start(1500);
    assert.deepEqual(p.capabilities.platformJobs, { label: 'Manager jobs' });
    const db = lab.store.vmByName(SEED.stopped);
    const pool = lab.store.all('ServerPool')[0].id.value;
    const job = await p.client.write('PUT', `Vm/${idSegment(db.id.value)}/clone`, {
      serverPoolId: pool,
      createTemplate: 'false',
    });
    const follower = new AbortController();
    const followed = p.client.followJob(job, { signal: follower.signal });
    const running = await until('the clone running with a progress message', async () => {
      const [first] = await operation(p, 'listPlatformJobs')({ recent: 5 });
      return first?.id === job.id.value && first.state === 'running' && first.progressMessage ? first : undefined;
    });
    assert.equal(running.vendorState, 'RUNNING');
    assert.equal(running.name, `Clone Vm: ${SEED.stopped}`);
    assert.equal(running.user, 'admin');
    assert.equal(typeof running.startTime, 'number');
    assert.equal(running.followedBy, follower.signal, 'linked to the product job that follows it');
    await followed;
    const done = (await p.listPlatformJobs!({ recent: 5 })).find((j) => j.id === job.id.value)!;
    assert.deepEqual(
      [done.state, done.vendorState, done.error, done.followedBy],
      ['succeeded', 'SUCCESS', undefined, undefined],
    );
    assert.equal(typeof done.endTime, 'number');
  });

  it("shows a failed job's error verbatim, an aborted one as cancelled, and only the `recent` newest finished jobs", async () => {
    await start();
    const message =
      'com.oracle.ovm.mgr.api.exception.RuleException: OVMRU_005019E No server available to start Virtual Machine: db01';
    lab.addJobFault({ match: 'Start Vm', atStep: 0, message, wsErrorCode: 'RULE_VIOLATION' });
    const db = lab.store.vmByName(SEED.stopped);
    const failed = await p.client.write('PUT', `Vm/${idSegment(db.id.value)}/start`);
    await until('the start to fail', async () =>
      lab.store.jobs().find((j) => j.id.value === failed.id.value && j.summaryDone) ? true : undefined,
    );
    const jobs: PlatformJob[] = await p.listPlatformJobs!({ recent: 10 });
    const f = jobs.find((j) => j.id === failed.id.value)!;
    assert.deepEqual([f.state, f.vendorState, f.error], ['failed', 'FAILURE', `${message} (RULE_VIOLATION)`]);

    const slow = await startSlowAbort();
    const aborted = (await p.listPlatformJobs!({ recent: 10 })).find((j) => j.id === slow)!;
    assert.equal(aborted.state, 'cancelled');
    assert.match(aborted.error!, /Job aborted by user/);

    assert.equal((await p.listPlatformJobs!({ recent: 1 })).length, 1, 'one finished job when recent is 1');
    assert.deepEqual(
      (await p.listPlatformJobs!({ recent: 1 })).map((j) => j.id),
      [slow],
      'the newest finished',
    );
  });

  /** A stop of web01 aborted before it runs: asked while the Manager is STARTING (the job waits CREATED). */
  async function startSlowAbort(): Promise<string> {
    const web = lab.store.vmByName(SEED.running);
    lab.setManagerState('STARTING');
    const j = await p.client.write('PUT', `Vm/${idSegment(web.id.value)}/stop`);
    assert.equal((await p.listPlatformJobs!({ recent: 0 })).find((x) => x.id === j.id.value)?.state, 'queued');
    lab.jobs.abort(j.id.value);
    lab.setManagerState('RUNNING');
    await until('the stop to end', async () =>
      lab.store.jobs().find((x) => x.id.value === j.id.value && x.summaryDone) ? true : undefined,
    );
    return j.id.value;
  }
});
