// Record factories with the field sets of XAPI 2.21 (selection relevant to backup tools).
import { NULL_REF, Rec, XapiStore, xapiDate } from './store';

export const EPOCH = '19700101T00:00:00Z';

export function vmRecord(name: string, extra: Rec = {}): Rec {
  return {
    uuid: '',
    name_label: name,
    name_description: '',
    power_state: 'Halted',
    is_a_template: false,
    is_default_template: false,
    is_control_domain: false,
    is_a_snapshot: false,
    snapshot_of: NULL_REF,
    snapshots: [],
    snapshot_time: EPOCH,
    snapshot_info: {},
    parent: NULL_REF,
    children: [],
    resident_on: NULL_REF,
    affinity: NULL_REF,
    VBDs: [],
    VIFs: [],
    VTPMs: [],
    memory_static_max: 2147483648,
    memory_dynamic_max: 2147483648,
    VCPUs_max: 2,
    VCPUs_at_startup: 2,
    other_config: {},
    tags: [],
    blocked_operations: {},
    allowed_operations: [],
    current_operations: {},
    domid: -1,
    metrics: NULL_REF,
    guest_metrics: NULL_REF,
    domain_type: 'hvm',
    suspend_VDI: NULL_REF,
    appliance: NULL_REF,
    HVM_boot_policy: 'BIOS order',
    platform: { viridian: 'true' },
    ...extra,
  };
}

export function vdiRecord(name: string, sr: string, size: number, extra: Rec = {}): Rec {
  return {
    uuid: '',
    name_label: name,
    name_description: '',
    SR: sr,
    VBDs: [],
    virtual_size: size,
    physical_utilisation: size,
    type: 'user',
    sharable: false,
    read_only: false,
    is_a_snapshot: false,
    snapshot_of: NULL_REF,
    snapshots: [],
    snapshot_time: EPOCH,
    sm_config: {},
    other_config: {},
    tags: [],
    cbt_enabled: false,
    managed: true,
    missing: false,
    parent: NULL_REF,
    location: '',
    current_operations: {},
    allowed_operations: ['clone', 'snapshot', 'destroy'],
    ...extra,
  };
}

/** Allowed operations derived from power state (approximation of xapi_vm_lifecycle). */
export function vmAllowedOps(vm: Rec): string[] {
  if (vm.is_control_domain) return [];
  if (vm.is_a_snapshot) return ['revert', 'clone', 'copy', 'export', 'destroy', 'hard_shutdown'];
  if (vm.is_a_template) return ['clone', 'copy', 'export', 'destroy', 'provision'];
  switch (vm.power_state) {
    case 'Halted':
      return ['start', 'snapshot', 'clone', 'copy', 'export', 'destroy'];
    case 'Running':
      return ['clean_shutdown', 'hard_shutdown', 'suspend', 'pause', 'snapshot', 'checkpoint'];
    case 'Suspended':
      return ['resume', 'hard_shutdown', 'snapshot', 'export', 'destroy'];
    default:
      return ['unpause', 'hard_shutdown', 'snapshot', 'checkpoint'];
  }
}

const SR_OPS = [
  'scan',
  'destroy',
  'forget',
  'plug',
  'unplug',
  'update',
  'vdi_create',
  'vdi_introduce',
  'vdi_destroy',
  'vdi_resize',
  'vdi_clone',
  'vdi_snapshot',
  'vdi_mirror',
  'vdi_enable_cbt',
  'vdi_disable_cbt',
  'vdi_data_destroy',
  'vdi_list_changed_blocks',
  'vdi_set_on_boot',
  'pbd_create',
  'pbd_destroy',
];
const ISO_SR_OPS = [
  'scan',
  'destroy',
  'forget',
  'plug',
  'unplug',
  'update',
  'vdi_introduce',
  'vdi_destroy',
  'pbd_create',
  'pbd_destroy',
];

/**
 * allowed_operations of the non-VM classes, from the state xapi's checks look at (xapi_host_helpers, xapi_sr_operations,
 * xapi_vbd_helpers, xapi_vif_helpers, xapi_vdi.ml check_operation_error) — *assumed* simplifications: every SM is
 * taken as fully capable and nothing is blocked.
 */
export function allowedOps(store: XapiStore, cls: string, rec: Rec): string[] | undefined {
  const vmRunning = (vm: string): boolean => store.get('VM', vm)?.power_state === 'Running';
  switch (cls) {
    case 'host':
      return rec.enabled
        ? ['provision', 'evacuate', 'shutdown', 'reboot', 'vm_start', 'vm_resume', 'vm_migrate']
        : ['provision', 'shutdown', 'reboot', 'enable'];
    case 'pool':
      return ['ha_enable', 'cluster_create', 'designate_new_master'];
    case 'SR':
      return rec.content_type === 'iso' ? ISO_SR_OPS : SR_OPS;
    case 'VBD':
      return vmRunning(rec.VM)
        ? ['attach', 'unplug', 'unplug_force', 'pause']
        : rec.type === 'CD'
          ? ['attach', 'eject', 'insert']
          : ['attach'];
    case 'VIF':
      return vmRunning(rec.VM) ? ['attach', 'unplug'] : ['attach'];
    case 'network':
      return [];
    case 'VDI': {
      if (rec.is_a_snapshot)
        return [
          'clone',
          'copy',
          'destroy',
          'forget',
          'update',
          'generate_config',
          'data_destroy',
          'list_changed_blocks',
        ];
      const attached = (rec.VBDs as string[]).some((b) => {
        const vbd = store.get('VBD', b);
        return vbd && vmRunning(vbd.VM);
      });
      return attached
        ? [
            'clone',
            'copy',
            'resize_online',
            'snapshot',
            'mirror',
            'forget',
            'update',
            'generate_config',
            'enable_cbt',
            'disable_cbt',
            'list_changed_blocks',
          ]
        : [
            'clone',
            'copy',
            'resize',
            'snapshot',
            'mirror',
            'destroy',
            'forget',
            'update',
            'generate_config',
            'enable_cbt',
            'disable_cbt',
            'data_destroy',
            'list_changed_blocks',
            'set_on_boot',
          ];
    }
    case 'VM':
      return vmAllowedOps(rec);
    default:
      return undefined;
  }
}

/** Recomputes allowed_operations of a VM and of its VBDs, VIFs and disks (they follow its power state). */
export function refreshVmAllowedOps(store: XapiStore, vmRef: string): void {
  const vm = store.get('VM', vmRef);
  if (!vm) return;
  vm.allowed_operations = vmAllowedOps(vm);
  for (const b of vm.VBDs as string[]) {
    const vbd = store.get('VBD', b);
    if (!vbd) continue;
    vbd.allowed_operations = allowedOps(store, 'VBD', vbd);
    const vdi = store.get('VDI', vbd.VDI);
    if (vdi) vdi.allowed_operations = allowedOps(store, 'VDI', vdi);
  }
  for (const v of vm.VIFs as string[]) {
    const vif = store.get('VIF', v);
    if (vif) vif.allowed_operations = allowedOps(store, 'VIF', vif);
  }
}

/** Adds a disk (VDI + VBD) to a VM; contentKey decides the generated bytes. */
export function attachDisk(
  store: XapiStore,
  vmRef: string,
  vdiRef: string,
  userdevice: string,
  otherConfig: Record<string, string> = {},
): string {
  const vm = store.must('VM', vmRef);
  const vdi = store.must('VDI', vdiRef);
  const vbd = store.add('VBD', {
    uuid: '',
    VM: vmRef,
    VDI: vdiRef,
    device: `xvd${String.fromCharCode(97 + Number(userdevice))}`,
    userdevice,
    bootable: userdevice === '0',
    mode: 'RW',
    type: 'Disk',
    empty: false,
    currently_attached: vm.power_state === 'Running',
    other_config: otherConfig,
  });
  vm.VBDs.push(vbd);
  vdi.VBDs.push(vbd);
  return vbd;
}

export function newVdi(
  store: XapiStore,
  name: string,
  sr: string,
  size: number,
  contentKey?: string,
  extra: Rec = {},
): string {
  const ref = store.add('VDI', vdiRecord(name, sr, size, extra));
  const rec = store.must('VDI', ref);
  store.vdiContent.set(ref, contentKey ?? rec.uuid);
  store.must('SR', sr).VDIs.push(ref);
  return ref;
}

export function addVif(store: XapiStore, vmRef: string, network: string, device: string, mac: string): string {
  const ref = store.add('VIF', {
    uuid: '',
    VM: vmRef,
    network,
    device,
    MAC: mac,
    MTU: 1500,
    currently_attached: false,
    other_config: {},
  });
  store.must('VM', vmRef).VIFs.push(ref);
  store.must('network', network).VIFs.push(ref);
  return ref;
}

export const now = (): string => xapiDate();
