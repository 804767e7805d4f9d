// VM rows from XAPI records: IP addresses from VM_guest_metrics.networks (ocaml/xapi/xapi_guest_agent.ml), the host's
// name, snapshots with or without memory, and a guest metrics change reported as the VM's row.
import { strict as assert } from 'node:assert';
import { guestIps, toSnapshotInfo, toVmInfo, XenVm } from '../../../src/providers/xen/xenRecords';
import { toInventoryChange } from '../../../src/providers/xen/inventoryChange';

const NULL = 'OpaqueRef:NULL';
const vm = (o: Partial<XenVm> = {}): XenVm => ({
  uuid: 'u-vm',
  name_label: 'web-01',
  name_description: '',
  power_state: 'Running',
  is_a_template: false,
  is_control_domain: false,
  is_a_snapshot: false,
  snapshot_of: NULL,
  snapshots: [],
  snapshot_time: '19700101T00:00:00Z',
  parent: NULL,
  children: [],
  resident_on: 'OpaqueRef:h1',
  VBDs: [],
  other_config: {},
  suspend_VDI: NULL,
  memory_static_max: '2147483648',
  VCPUs_max: '2',
  guest_metrics: 'OpaqueRef:gm1',
  ...o,
});

describe('Xen VM rows: guest metrics, host, snapshot memory', () => {
  it('guestIps: IPv4 (<n>/ip, <n>/ipv4/<i>) by VIF before IPv6, each once, other keys ignored', () => {
    assert.deepEqual(
      guestIps({
        '1/ip': '10.0.1.5',
        '0/ipv6/1': 'fe80::1',
        '0/ipv6/0': '2001:db8::5',
        '0/ip': '10.0.0.5',
        '0/ipv4/0': '10.0.0.5',
        '0/ipv4/1': '10.0.0.6',
        bogus: '1.2.3.4',
        '2/ip': '',
      }),
      ['10.0.0.5', '10.0.0.6', '10.0.1.5', '2001:db8::5', 'fe80::1'],
    );
    assert.deepEqual(guestIps(undefined), []);
  });

  it('toVmInfo: IP addresses of a running VM from its guest metrics, and its host name', () => {
    const lookups = {
      guestMetrics: { 'OpaqueRef:gm1': { networks: { '0/ip': '192.0.2.4' } } },
      hostName: (r: string) => (r === 'OpaqueRef:h1' ? 'xcp-host-01' : undefined),
    };
    const info = toVmInfo('OpaqueRef:v', vm(), 'p', () => true, lookups);
    assert.deepEqual(info.ipAddresses, ['192.0.2.4']);
    assert.equal(info.hostName, 'xcp-host-01');
    // A halted VM keeps its last guest metrics in xapi; they are not its addresses now.
    const halted = toVmInfo('OpaqueRef:v', vm({ power_state: 'Halted', resident_on: NULL }), 'p', () => true, lookups);
    assert.equal(halted.ipAddresses, undefined);
    assert.equal(halted.hostName, undefined);
    assert.equal(toVmInfo('OpaqueRef:v', vm(), 'p', () => true).ipAddresses, undefined);
  });

  it('a snapshot holds memory when its record is Suspended (a checkpoint), not when Halted (disk only)', () => {
    const s = (power_state: string) =>
      toSnapshotInfo(
        'OpaqueRef:s',
        vm({ power_state, is_a_snapshot: true, snapshot_of: 'OpaqueRef:v' }),
        {},
        undefined,
      );
    assert.equal(s('Suspended').withMemory, true);
    assert.equal(s('Halted').withMemory, false);
  });

  it("a VM_guest_metrics change (new addresses) is reported as its VM's row", () => {
    const vms = { 'OpaqueRef:v': vm(), 'OpaqueRef:other': vm({ uuid: 'u-2', guest_metrics: 'OpaqueRef:gm2' }) };
    const change = toInventoryChange(
      [{ cls: 'vm_guest_metrics', op: 'mod', ref: 'OpaqueRef:gm1', record: { networks: { '0/ip': '192.0.2.99' } } }],
      'p',
      () => true,
      { guestMetrics: { 'OpaqueRef:gm1': { networks: { '0/ip': '192.0.2.99' } } } },
      vms,
    );
    assert.deepEqual(
      change.vms.map((v) => [v.id, v.ipAddresses]),
      [['OpaqueRef:v', ['192.0.2.99']]],
    );
    assert.deepEqual(change.childrenOf, []);
  });
});
