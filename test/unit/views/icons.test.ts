import { strict as assert } from 'node:assert';
import { SnapshotInfo, VmInfo } from '../../../src/core/model';
import { snapshotIcon, vmIcon } from '../../../src/views/icons';

const vm = (o: Partial<VmInfo> = {}): VmInfo => ({
  id: 'v',
  uuid: 'u',
  name: 'n',
  powerState: 'running',
  poolId: 'p',
  snapshotCount: 0,
  ...o,
});
const snap = (isCurrent: boolean): SnapshotInfo => ({
  id: 's',
  uuid: 's',
  vmId: 'v',
  name: 's',
  time: new Date(0),
  madeByUs: false,
  isCurrent,
});

describe('tree icons', () => {
  it('a suspended VM is the VM icon in the suspended colour, not a pause glyph', () => {
    assert.deepEqual(vmIcon(vm({ powerState: 'suspended' })), { id: 'vm', color: 'charts.yellow' });
    assert.deepEqual(vmIcon(vm({ powerState: 'running' })), { id: 'vm-running', color: 'charts.green' });
    assert.deepEqual(vmIcon(vm({ powerState: 'halted' })), { id: 'vm-outline' });
    assert.deepEqual(vmIcon(vm({ powerState: 'suspended', suspendDiskMissing: true })), {
      id: 'vm',
      color: 'list.warningForeground',
    });
  });

  it('a VM the platform works on (current_operations) spins', () => {
    assert.equal(vmIcon(vm({ operations: ['clean_shutdown'] })).id, 'sync~spin');
  });

  it('the current snapshot is "You are here" (a location pin), never a success check', () => {
    assert.equal(snapshotIcon(snap(true)).id, 'location');
    assert.equal(snapshotIcon(snap(false)).id, 'history');
  });
});
