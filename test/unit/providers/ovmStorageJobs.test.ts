// Oracle VM mapping to the platform-neutral contract: a repository's records → storage items (disks with the VMs
// they are mapped into, VM files, ISOs); Manager Job records → platform jobs (state, progress, error verbatim, order).
import { strict as assert } from 'node:assert';
import { PlatformJob } from '../../../src/core/model';
import { platformJobState, selectJobs, toPlatformJob } from '../../../src/providers/oraclevm/ovmJobList';
import {
  OvmJob,
  OvmVirtualDisk,
  OvmVm,
  parseFileSystem,
  parseJob,
  parseRepository,
  toStorage,
} from '../../../src/providers/oraclevm/ovmRecords';
import { repositoryItems } from '../../../src/providers/oraclevm/ovmStorage';

const sid = (type: string, value: string, name?: string) => ({
  type: `com.oracle.ovm.mgr.ws.model.${type}`,
  value,
  name,
});
const vm = (id: string, name: string, mappings: string[]): OvmVm => ({
  id: sid('Vm', id, name),
  name,
  vmRunState: 'STOPPED',
  vmDiskMappingIds: mappings.map((m) => sid('VmDiskMapping', m)),
});
const disk = (id: string, name: string, mappings: string[], diskType = 'VIRTUAL_DISK'): OvmVirtualDisk => ({
  id: sid('VirtualDisk', id, name),
  name,
  diskType,
  size: 1024,
  path: `/VirtualDisks/${id}`,
  vmDiskMappingIds: mappings.map((m) => sid('VmDiskMapping', m)),
});
const job = (over: Partial<OvmJob>): OvmJob => ({
  id: sid('Job', '1'),
  name: 'Start Vm db01',
  jobRunState: 'RUNNING',
  summaryDone: false,
  ...over,
});

describe('Oracle VM storage contents and Manager jobs (mapping)', () => {
  it('lists the VM files first, then disks and ISOs by name, each disk with the VMs its mappings belong to (any repository)', () => {
    const web = vm('v1', 'web01', ['m1', 'm2']);
    const elsewhere = vm('v9', 'app09', ['m9']);
    const items = repositoryItems(
      [
        disk('d2.img', 'web01_disk1.img', ['m2']),
        disk('d1.img', 'shared.img', ['m1', 'm9']),
        disk('d3.img', 'orphan.img', []),
        disk('i1.iso', 'OL7.iso', [], 'VIRTUAL_CDROM'),
      ],
      [web],
      [web, elsewhere],
    );
    assert.deepEqual(
      items.map((i) => [i.kind, i.name, i.usedBy.map((u) => u.name)]),
      [
        ['vmFiles', 'web01', ['web01']],
        ['iso', 'OL7.iso', []],
        ['virtualDisk', 'orphan.img', []],
        ['virtualDisk', 'shared.img', ['web01', 'app09']],
        ['virtualDisk', 'web01_disk1.img', ['web01']],
      ],
    );
    assert.equal(items[0].path, '/VirtualMachines/v1/vm.cfg');
    assert.deepEqual([items[4].id, items[4].sizeBytes, items[4].path], ['d2.img', 1024, '/VirtualDisks/d2.img']);
  });

  it("a repository's free space and size come from its FileSystem reply (fog-oracle's captured shape); nonsense is unknown, never trusted", () => {
    const repo = parseRepository({
      id: sid('Repository', '0004fb00000300003076225fcb290271', 'test-pool'),
      name: 'test-pool',
      presentedServerIds: [sid('Server', 'a'), sid('Server', 'b')],
      fileSystemId: sid('FileSystem', '0004fb00000500003a887e2393804ccb'),
    });
    assert.equal(repo.fileSystemId?.value, '0004fb00000500003a887e2393804ccb');
    const fs = (o: object) => parseFileSystem({ id: sid('FileSystem', '0004fb00000500003a887e2393804ccb'), ...o });
    const space = (o: object) => {
      const s = toStorage(repo, fs(o));
      return [s.freeBytes, s.capacityBytes];
    };
    assert.deepEqual(space({ size: 187709784064, freeSize: 169837854720 }), [169837854720, 187709784064]);
    assert.deepEqual(space({ size: 100, freeSize: 101 }), [undefined, undefined], 'free above the size');
    assert.deepEqual(space({ size: -1, freeSize: -5 }), [undefined, undefined]);
    assert.deepEqual(space({ size: '9', freeSize: '1e99' }), [undefined, undefined]);
    assert.deepEqual(space({ freeSize: 42 }), [42, undefined]);
    assert.deepEqual([toStorage(repo).freeBytes, toStorage(repo).shared], [undefined, true]);
  });

  it('maps jobRunState and summaryDone to the product state (CREATED queued, aborted cancelled, finished only when done)', () => {
    assert.equal(platformJobState(job({ jobRunState: 'CREATED' })), 'queued');
    assert.equal(platformJobState(job({ jobRunState: 'CHILD_QUEUED' })), 'queued');
    assert.equal(platformJobState(job({ jobRunState: 'RUNNING' })), 'running');
    assert.equal(platformJobState(job({ jobRunState: 'CHILD_RUNNING' })), 'running');
    assert.equal(platformJobState(job({ jobRunState: 'SUCCESS', summaryDone: true })), 'succeeded');
    assert.equal(platformJobState(job({ jobRunState: 'FAILURE', summaryDone: true })), 'failed');
    assert.equal(
      platformJobState(job({ jobRunState: 'FAILURE', summaryDone: true, abortedByUser: true })),
      'cancelled',
    );
  });

  it("keeps a failure's error verbatim with its wsErrorCode, the latest progress message, user and times from the reply", () => {
    const message =
      'com.oracle.ovm.mgr.api.exception.RuleException: OVMRU_005002E Operation not allowed- Virtual Machine: web01, is not STOPPED. It is RUNNING.';
    const parsed = parseJob({
      id: sid('Job', '1700000000000'),
      name: 'Clone Vm web01',
      jobRunState: 'FAILURE',
      summaryDone: true,
      done: true,
      progressMessage: null,
      latestSummaryProgressMessage: 'Cloning virtual disk 1 of 2',
      error: { message, type: 'com.oracle.ovm.mgr.ws.model.WsError' },
      wsErrorCode: 'RULE_VIOLATION',
      user: 'admin',
      startTime: 1700000000000,
      endTime: 1700000005000,
    });
    const p = toPlatformJob(parsed);
    assert.deepEqual(
      { ...p },
      {
        id: '1700000000000',
        name: 'Clone Vm web01',
        state: 'failed',
        vendorState: 'FAILURE',
        progressMessage: 'Cloning virtual disk 1 of 2',
        startTime: 1700000000000,
        endTime: 1700000005000,
        user: 'admin',
        error: `${message} (RULE_VIOLATION)`,
        followedBy: undefined,
      },
    );
    assert.equal(toPlatformJob(job({ jobRunState: 'SUCCESS', summaryDone: true })).error, undefined);
  });

  it('selects the unfinished jobs, then only the `recent` newest finished ones', () => {
    const pj = (id: string, state: PlatformJob['state']): PlatformJob => ({ id, name: id, state, vendorState: state });
    const list = [
      pj('r1', 'running'),
      pj('q1', 'queued'),
      pj('s1', 'succeeded'),
      pj('f1', 'failed'),
      pj('s0', 'succeeded'),
    ];
    assert.deepEqual(
      selectJobs(list, 2).map((j) => j.id),
      ['r1', 'q1', 's1', 'f1'],
    );
    assert.deepEqual(
      selectJobs(list, 0).map((j) => j.id),
      ['r1', 'q1'],
    );
  });
});
