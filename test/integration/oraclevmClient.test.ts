// The Oracle VM Manager client (src/providers/oraclevm) against the REST lab (test/lab/ovm) over real HTTPS sockets.
import * as assert from 'node:assert/strict';
import * as https from 'node:https';
import { OvmLab, SEED, startOvmLab } from '../lab/ovm';
import { OvmClient } from '../../src/providers/oraclevm/ovmClient';
import {
  getVm,
  listJobs,
  listRepositories,
  listServerPools,
  listServers,
  listVirtualDisks,
  listVms,
} from '../../src/providers/oraclevm/ovmInventory';
import { cloneVm, startVm, stopVm } from '../../src/providers/oraclevm/ovmVmActions';
import { MalformedReplyError, OvmVm } from '../../src/providers/oraclevm/ovmRecords';
import { CancelledError, UntrustedCertificateError, VendorError } from '../../src/core/errors';
import { RepositoryObj, VmObj } from '../lab/ovm/model';

const PASSWORD = 'ovm-Secret-77';

describe('Oracle VM Manager client against the REST lab', function () {
  this.timeout(60_000);
  let lab: OvmLab;
  let c: OvmClient;
  const client = (o: Partial<ConstructorParameters<typeof OvmClient>[0]> = {}) =>
    new OvmClient({
      url: lab.url,
      username: 'admin',
      password: PASSWORD,
      thumbprint: lab.thumbprint,
      label: 'ovm',
      pollMs: 10,
      ...o,
    });
  const vmNamed = async (name: string): Promise<OvmVm> => (await listVms(c)).find((v) => v.name === name)!;
  const backupRepo = () => lab.store.repoByName(SEED.backupRepository);

  beforeEach(async () => {
    lab = await startOvmLab({ password: PASSWORD, jobStepMs: 10 });
    c = client();
  });
  afterEach(async () => {
    await lab.close();
  });

  it('refuses the self-signed certificate unless pinned, naming the thumbprint it presented', async () => {
    const err = await listServerPools(client({ thumbprint: undefined })).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof UntrustedCertificateError, String(err));
    assert.equal(err.thumbprint, lab.thumbprint);
    assert.match(err.message, /connection "ovm", host "127\.0\.0\.1:\d+"/);
    assert.equal((await listServerPools(c)).length, 1);
  });

  it('authenticates with Basic once, then sends the session cookie; a wrong password is refused without echoing it', async () => {
    await listServerPools(c);
    await listRepositories(c);
    assert.deepEqual(
      lab.requests.map((r) => r.split(' ').pop()),
      ['basic', 'cookie'],
    );
    const wrong = 'not-the-password-123';
    const err = await listServerPools(client({ password: wrong })).then(
      () => undefined,
      (e: Error) => e,
    );
    assert.ok(err instanceof VendorError);
    assert.equal(err.code, 'HTTP_401');
    assert.ok(!err.message.includes(wrong));
  });

  it('waits while the Manager is STARTING, and says so once', async () => {
    lab.setManagerState('STARTING');
    const states: string[] = [];
    const m = await c.waitUntilRunning({
      onWait: (s) => {
        states.push(s);
        lab.setManagerState('RUNNING');
      },
    });
    assert.equal(m.managerRunState, 'RUNNING');
    assert.deepEqual(states, ['STARTING']);
  });

  it('browses server pools → servers (run state, maintenance) → VMs (run state, repository), repositories and their disks', async () => {
    const [pool] = await listServerPools(c);
    assert.equal(pool.name, SEED.pool);
    const servers = await listServers(c, pool.id.value);
    assert.deepEqual(
      servers.map((s) => [s.name, s.serverRunState, s.maintenanceMode]),
      [
        ['ovs1', 'RUNNING', false],
        ['ovs2', 'RUNNING', true],
      ],
    );
    const vms = await listVms(c, { poolId: pool.id.value });
    const repo = (await listRepositories(c)).find((r) => r.name === SEED.repository)!;
    assert.deepEqual(
      vms.map((v) => [v.name, v.vmRunState, v.repositoryId?.value]).sort(),
      [
        [SEED.stopped, 'STOPPED', repo.id.value],
        [SEED.hostile, 'STOPPED', repo.id.value],
        [SEED.running, 'RUNNING', repo.id.value],
      ].sort(),
    );
    assert.deepEqual(
      (await listVms(c, { serverId: servers[0].id.value })).map((v) => v.name),
      [SEED.running],
    );
    const all = await listVirtualDisks(c, repo.id.value);
    const disks = all.filter((d) => d.diskType === 'VIRTUAL_DISK');
    assert.equal(disks.length, 4);
    assert.ok(disks.every((d) => d.path === `/VirtualDisks/${d.id.value}` && d.id.value.endsWith('.img')));
    // The seed's ISO (protocols.md §2.3: VIRTUAL_CDROM, `…0015….iso`) is listed with them.
    assert.deepEqual(
      all.filter((d) => d.diskType === 'VIRTUAL_CDROM').map((d) => [d.name, d.path === `/ISOs/${d.id.value}`]),
      [[SEED.iso, true]],
    );
  });

  it('stops and starts a VM, following each Manager job', async () => {
    const vm = await vmNamed(SEED.running);
    await stopVm(c, vm);
    assert.equal((await getVm(c, vm.id.value)).vmRunState, 'STOPPED');
    await startVm(c, vm);
    assert.equal((await getVm(c, vm.id.value)).vmRunState, 'RUNNING');
  });

  it("a running VM is refused for cold clone with the Manager's OVMRU_005002E message verbatim, naming connection, host and VM", async () => {
    const vm = await vmNamed(SEED.running);
    const err = await cloneVm(c, vm, {
      serverPoolId: vm.serverPoolId!.value,
      repositoryId: backupRepo().id.value,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof VendorError, String(err));
    assert.equal(err.code, 'OVMRU_005002E');
    assert.match(
      err.params[0],
      /^com\.oracle\.ovm\.mgr\.api\.exception\.RuleException: OVMRU_005002E Operation not allowed- Virtual Machine: web01, is not STOPPED\. It is RUNNING\. \[/,
    );
    assert.match(err.message, /^connection "ovm", host "127\.0\.0\.1:\d+", VM "web01": OVMRU_005002E/);
    assert.deepEqual(backupRepo().virtualDiskIds, []);
  });

  it("cold-clones a stopped VM into the backup repository, with the job's progress messages", async () => {
    const vm = await vmNamed(SEED.hostile);
    const progress: string[] = [];
    const id = await cloneVm(
      c,
      vm,
      { serverPoolId: vm.serverPoolId!.value, repositoryId: backupRepo().id.value },
      { onProgress: (m) => progress.push(m) },
    );
    const clone = await getVm(c, id.value);
    assert.equal(clone.name, `${SEED.hostile}.0`);
    assert.equal(clone.repositoryId?.value, backupRepo().id.value);
    assert.equal(clone.vmRunState, 'STOPPED');
    assert.equal(backupRepo().virtualDiskIds.length, 1);
    // Each poll sees the job's latest message: which intermediate ones are seen depends on timing, the last one does not.
    assert.ok(
      progress.every((m) =>
        [`Checking ${SEED.hostile}`, 'Cloning virtual disk 1 of 1', `Creating ${SEED.hostile}.0`].includes(m),
      ),
      progress.join(' | '),
    );
    assert.equal(progress[progress.length - 1], `Creating ${SEED.hostile}.0`);
  });

  it('a job that fails mid-way is reported with its code, and the Manager leaves nothing in the backup repository', async () => {
    lab.addJobFault({
      match: 'Clone Vm',
      atStep: 2,
      message:
        'com.oracle.ovm.mgr.api.exception.FailedOperationException: OVMAPI_4010E Attempt to send command: copy_file to server: ovs1 failed.',
    });
    const vm = await vmNamed(SEED.running);
    await stopVm(c, vm);
    const err = await cloneVm(c, vm, {
      serverPoolId: vm.serverPoolId!.value,
      repositoryId: backupRepo().id.value,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof VendorError, String(err));
    assert.equal(err.code, 'OVMAPI_4010E');
    assert.ok(err.params[0].includes('copy_file to server: ovs1 failed'));
    assert.deepEqual([backupRepo().virtualDiskIds, backupRepo().vmIds], [[], []]);
  });

  for (const when of ['while the Manager follows it', 'while the write that makes it is in flight'] as const) {
    it(`cancel ${when} aborts the Manager job: CancelledError, the job FAILURE abortedByUser, nothing left in the backup repository`, async () => {
      await lab.close();
      lab = await startOvmLab({ password: PASSWORD, jobStepMs: 300 });
      c = client();
      const vm = await vmNamed(SEED.running);
      await stopVm(c, vm);
      const ac = new AbortController();
      // Each cancel point is reached by a hook, not by timing: the job's submission to the follower, or the lab
      // creating the job before it answers the PUT (the signal is then aborted while the reply is on its way).
      if (when === 'while the write that makes it is in flight')
        lab.jobs.onStart = (j) => {
          if (j.name.startsWith('Clone Vm')) ac.abort();
        };
      const p = cloneVm(
        c,
        vm,
        {
          serverPoolId: vm.serverPoolId!.value,
          repositoryId: backupRepo().id.value,
          submitted: when === 'while the Manager follows it' ? async () => ac.abort() : undefined,
        },
        { signal: ac.signal },
      );
      await assert.rejects(p, CancelledError);
      const job = lab.store.jobs().find((j) => j.name.startsWith('Clone Vm'))!;
      assert.deepEqual([job.jobRunState, job.summaryDone, job.abortedByUser], ['FAILURE', true, true]);
      assert.ok(lab.requests.some((r) => r.startsWith(`PUT /ovm/core/wsapi/rest/Job/${job.id.value}/abort`)));
      assert.deepEqual([backupRepo().virtualDiskIds, backupRepo().vmIds], [[], []]);
    });
  }

  it("lists the Manager's jobs, running ones first", async () => {
    const vm = await vmNamed(SEED.stopped);
    await startVm(c, vm);
    const jobs = await listJobs(c);
    assert.equal(jobs[0].name, `Start Vm: ${SEED.stopped}`);
    assert.equal(jobs[0].jobRunState, 'SUCCESS');
  });

  it('an error body is surfaced with its errorCode and message; control characters in a hostile one are escaped', async () => {
    lab.httpFaults.push({
      match: /^GET .*\/Repository$/,
      status: 500,
      times: 1,
      body: '{"message":"GEN_000099:boom\\u001b[31m\\nred","errorCode":"GEN_000099","cause":null,"wsErrorCode":"X"}',
    });
    const err = await listRepositories(c).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof VendorError);
    assert.equal(err.code, 'GEN_000099');
    lab.httpFaults.push({ match: /^GET .*\/Repository$/, status: 502, body: '<html>\u001b[2Jproxy</html>' });
    const err2 = (await listRepositories(c).then(
      () => undefined,
      (e: unknown) => e,
    )) as VendorError;
    assert.equal(err2.code, 'HTTP_502');
    assert.ok(!err2.message.includes('\u001b') && err2.message.includes('\\u001b'));
  });

  it('a reply that is not the documented shape is refused as malformed', async () => {
    lab.httpFaults.push({ match: /^GET .*\/ServerPool$/, status: 200, body: '[{"id":"not-a-simple-id","name":"p"}]' });
    await assert.rejects(listServerPools(c), MalformedReplyError);
  });

  it('lab: malformed JSON gets the 400 GEN_000031 body of a real 3.4.6 Manager', async () => {
    const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = https.request(
        `${lab.url}/Vm/x/start`,
        {
          method: 'PUT',
          rejectUnauthorized: false,
          headers: {
            Authorization: 'Basic ' + Buffer.from(`admin:${PASSWORD}`).toString('base64'),
            'Content-Type': 'application/json',
          },
        },
        (res) => {
          let b = '';
          res.on('data', (d) => {
            b += d;
          });
          res.on('end', () => resolve({ status: res.statusCode!, body: b }));
        },
      );
      req.on('error', reject);
      req.end('{not json');
    });
    assert.equal(reply.status, 400);
    assert.deepEqual(JSON.parse(reply.body), {
      message: 'GEN_000031:An error occurred parsing the JSON request',
      errorCode: 'GEN_000031',
      cause: null,
      wsErrorCode: 'GENERAL_JSON_PARSING_ERROR',
    });
  });

  it('lab: a clone made while the Manager is STARTING waits (CREATED) until it is RUNNING', async () => {
    const vm = lab.store.vmByName(SEED.stopped) as VmObj;
    lab.setManagerState('STARTING');
    const job = await c.write('PUT', `Vm/${vm.id.value}/clone`, {
      serverPoolId: vm.serverPoolId!.value,
      createTemplate: false,
    });
    assert.equal(job.jobRunState, 'CREATED');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(lab.store.get<VmObj>('Vm', vm.id.value)!.vmRunState, 'STOPPED');
    assert.equal(
      lab.store.jobs().find((j) => j.id.value === job.id.value)!.jobRunState,
      'CREATED',
      'not run while STARTING',
    );
    lab.setManagerState('RUNNING');
    const done = await c.followJob(job);
    assert.equal(done.jobRunState, 'SUCCESS');
    assert.equal(
      lab.store.get<VmObj>('Vm', done.resultId!.value)!.repositoryId!.value,
      (lab.store.repoByName(SEED.repository) as RepositoryObj).id.value,
    );
  });
});
