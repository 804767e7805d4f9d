import { strict as assert } from 'node:assert';
import { ContainerInfo, VmInfo } from '../../../src/core/model';
import { CatalogEntry } from '../../../src/core/repository';
import { backupFileOf, hostNameOf, vmTooltipRows } from '../../../src/views/vmTooltip';
import { dateText } from '../../../src/ui/format';

const vm = (o: Partial<VmInfo> = {}): VmInfo => ({
  id: 'OpaqueRef:vm',
  uuid: 'u-1',
  name: 'db-01',
  powerState: 'running',
  poolId: 'p',
  snapshotCount: 0,
  ...o,
});
const host = (id: string, name: string): ContainerInfo => ({ type: 'container', kind: 'host', icon: 'host', id, name });
const entry = (o: Partial<CatalogEntry> = {}): CatalogEntry => ({
  id: 'db-01/20261129-101500-vm',
  dir: '/r/db-01/20261129-101500-vm',
  kind: 'vm',
  label: 'db-01',
  files: [
    { name: 'manifest.json', bytes: 900 },
    { name: 'db-01.xva', bytes: 5_000_000 },
  ],
  ...o,
});
const rows = (r: Array<{ label: string; value: string }>) => Object.fromEntries(r.map((x) => [x.label, x.value]));

describe('VM tooltip rows', () => {
  it('memory, vCPUs, host, IP, power, last backup with its date, age and file, in that order', () => {
    const created = new Date('2026-11-29T10:15:00Z');
    const now = created.getTime() + 3 * 60_000;
    const r = vmTooltipRows(
      vm({ memoryBytes: 4 * 2 ** 30, vcpus: 2, ipAddresses: ['192.0.2.7', '2001:db8::7'], description: 'the db' }),
      'xcp-host-01',
      entry({ created }),
      now,
    );
    assert.deepEqual(
      r.map((x) => x.label),
      ['Power', 'Memory', 'vCPUs', 'Host', 'IP', 'Last backup', 'UUID', 'Description'],
    );
    assert.deepEqual(rows(r), {
      Power: 'running',
      Memory: '4.0 GiB',
      vCPUs: '2',
      Host: 'xcp-host-01',
      IP: '192.0.2.7, 2001:db8::7',
      'Last backup': `${dateText(created)} (3 min ago) · db-01/20261129-101500-vm/db-01.xva`,
      UUID: 'u-1',
      Description: 'the db',
    });
  });

  it('says what runs on the VM and a missing suspend disk; no backup is "none"; rows without data are left out', () => {
    const r = rows(
      vmTooltipRows(
        vm({ powerState: 'suspended', suspendDiskMissing: true, operations: ['export'] }),
        undefined,
        undefined,
      ),
    );
    assert.equal(r.Power, 'suspended · suspend disk missing · busy: export');
    assert.equal(r['Last backup'], 'none');
    for (const k of ['Memory', 'vCPUs', 'Host', 'IP', 'Description']) assert.ok(!(k in r), k);
  });

  it("the host: the record's name, else the host container above the VM, else none", () => {
    const path = [host('OpaqueRef:pool', 'lab-pool'), host('OpaqueRef:h2', 'xcp-host-02')];
    assert.equal(hostNameOf(vm({ hostId: 'OpaqueRef:h2' }), path), 'xcp-host-02');
    assert.equal(hostNameOf(vm({ hostId: 'OpaqueRef:h2', hostName: 'named' }), path), 'named');
    assert.equal(hostNameOf(vm({ hostId: 'OpaqueRef:h9' }), path), undefined);
    assert.equal(hostNameOf(vm(), path), undefined);
  });

  it("the backup's file: its largest (not the manifest); a bare file is its own id", () => {
    assert.equal(backupFileOf(entry()), 'db-01/20261129-101500-vm/db-01.xva');
    assert.equal(backupFileOf(entry({ id: 'old/db.xva', files: [{ name: 'db.xva', bytes: 1 }] })), 'old/db.xva');
    assert.equal(backupFileOf(entry({ id: 'x', files: [] })), 'x');
  });
});
