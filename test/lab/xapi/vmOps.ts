// VM / VDI lifecycle operations with xapi_vm_lifecycle power-state rules.
import { XapiError } from './errors';
import { attachDisk, addVif, EPOCH, newVdi, refreshVmAllowedOps, vmRecord } from './records';
import { NULL_REF, Rec, XapiStore, plainCopy, xapiDate } from './store';

/** A prepared operation: `check` validates synchronously, `apply` mutates (run at task end for Async). */
/** `lockVm` / `lockVdi`: the object whose current_operations carry the task while it runs. */
export interface PreparedOp {
  op: string;
  lockVm?: string;
  lockVdi?: string;
  apply: () => unknown;
}

export function requirePowerState(vmRef: string, vm: Rec, allowed: string[]): void {
  if (!allowed.includes(vm.power_state)) {
    throw new XapiError('VM_BAD_POWER_STATE', [
      vmRef,
      allowed.map((s) => s.toLowerCase()).join(', '),
      String(vm.power_state).toLowerCase(),
    ]);
  }
}

/** OTHER_OPERATION_IN_PROGRESS [class, ref, op, task] while a task holds the object (its current_operations). */
export function requireNoOtherOp(ref: string, rec: Rec, cls = 'VM'): void {
  const running = Object.entries(rec.current_operations as Record<string, string>)[0];
  if (running) throw new XapiError('OTHER_OPERATION_IN_PROGRESS', [cls, ref, running[1], running[0]]);
}

function setResident(store: XapiStore, vmRef: string, vm: Rec, host: string): void {
  const old = store.get('host', vm.resident_on);
  if (old) old.resident_VMs = old.resident_VMs.filter((r: string) => r !== vmRef);
  vm.resident_on = host;
  const h = store.get('host', host);
  if (h) h.resident_VMs.push(vmRef);
}

function diskVbds(store: XapiStore, vm: Rec): Rec[] {
  return (vm.VBDs as string[])
    .map((r) => store.get('VBD', r))
    .filter((b): b is Rec => !!b && b.type === 'Disk' && b.VDI !== NULL_REF);
}

export class VmOps {
  constructor(private store: XapiStore) {}

  private vm(ref: unknown): Rec {
    return this.store.must('VM', ref);
  }

  private guardNormal(vmRef: string, vm: Rec, op: string): void {
    if (vm.is_control_domain)
      throw new XapiError('OPERATION_NOT_ALLOWED', [`${op} is not allowed on the control domain`]);
    if (
      vm.is_a_snapshot &&
      !['revert', 'clone', 'copy', 'export', 'destroy', 'hard_shutdown', 'metadata_export'].includes(op)
    ) {
      throw new XapiError('VM_IS_SNAPSHOT', [vmRef, op]);
    }
    if (
      vm.is_a_template &&
      !vm.is_a_snapshot &&
      ['snapshot', 'start', 'clean_shutdown', 'hard_shutdown', 'revert', 'checkpoint'].includes(op)
    ) {
      throw new XapiError('VM_IS_TEMPLATE', [vmRef]);
    }
  }

  snapshot(vmRef: string, name: unknown, ignoreVdis: unknown = []): PreparedOp {
    const vm = this.vm(vmRef);
    this.guardNormal(vmRef, vm, 'snapshot');
    requireNoOtherOp(vmRef, vm);
    const ignored = new Set(Array.isArray(ignoreVdis) ? ignoreVdis.map(String) : []);
    return { op: 'snapshot', lockVm: vmRef, apply: () => this.doSnapshot(vmRef, String(name), ignored) };
  }

  doSnapshot(vmRef: string, name: string, ignored = new Set<string>()): string {
    return this.copyVm(vmRef, name, 'snapshot', ignored);
  }

  /** VM.clone: a new top-level VM whose disks are VDI.clones of the source's (xapi_vm_clone.ml, Disk_op_clone). */
  clone(vmRef: string, name: unknown): PreparedOp {
    const vm = this.vm(vmRef);
    this.guardNormal(vmRef, vm, 'clone');
    if (!vm.is_a_template) requirePowerState(vmRef, vm, ['Halted', 'Suspended']);
    requireNoOtherOp(vmRef, vm);
    return { op: 'clone', lockVm: vmRef, apply: () => this.copyVm(vmRef, String(name), 'clone') };
  }

  /** VM.copy: as clone, but full copies of the disks, into `sr` (the source disks' SR when NULL). */
  copy(vmRef: string, name: unknown, sr: unknown): PreparedOp {
    const vm = this.vm(vmRef);
    this.guardNormal(vmRef, vm, 'copy');
    if (!vm.is_a_template) requirePowerState(vmRef, vm, ['Halted', 'Suspended']);
    requireNoOtherOp(vmRef, vm);
    const target = sr === NULL_REF || sr === '' ? undefined : String(sr);
    if (target) this.store.must('SR', target);
    return { op: 'copy', lockVm: vmRef, apply: () => this.copyVm(vmRef, String(name), 'copy', new Set(), target) };
  }

  /**
   * xapi_vm_clone.ml copy_vm_record + clone: the new VM's record, disks, VIFs.
   * - snapshot: Halted, is_a_snapshot, is_a_template, snapshot_of, snapshot_info {disk-snapshot-type: crash_consistent,
   *   power-state-at-snapshot: <source power state>}, other_config as is, VIF MACs kept, parent chain updated;
   * - clone/copy: top level (parent NULL), Suspended only when the source is, a template when the source is,
   *   snapshot_info {}, other_config with a fresh mac_seed, new MACs.
   * Every kind drops default_template/xensource_internal from other_config, records base_template_name when the
   * source is a template, resets version to 0 and is_default_template to false, and copies bios_strings and tags.
   */
  private copyVm(
    vmRef: string,
    name: string,
    kind: 'snapshot' | 'clone' | 'copy',
    ignored = new Set<string>(),
    targetSr?: string,
  ): string {
    const s = this.store;
    const vm = this.vm(vmRef);
    const isSnap = kind === 'snapshot';
    const when = xapiDate();
    const other: Record<string, string> = { ...vm.other_config };
    if (!isSnap) other.mac_seed = s.rng.uuid();
    delete other.default_template;
    delete other.xensource_internal;
    if (vm.is_a_template && !('base_template_name' in other)) other.base_template_name = vm.name_label;
    const powerState = !isSnap && vm.power_state === 'Suspended' ? 'Suspended' : 'Halted';
    const newRef = s.add(
      'VM',
      vmRecord(name, {
        ...plainCopy({
          ...vm,
          uuid: '',
          VBDs: [],
          VIFs: [],
          VUSBs: [],
          VGPUs: [],
          snapshots: [],
          children: [],
          current_operations: {},
          consoles: [],
          crash_dumps: [],
          attached_PCIs: [],
        }),
        name_label: name,
        power_state: powerState,
        is_a_snapshot: isSnap,
        is_a_template: isSnap || vm.is_a_template,
        is_default_template: false,
        snapshot_of: isSnap ? vmRef : NULL_REF,
        snapshot_time: isSnap ? when : EPOCH,
        snapshot_info: isSnap
          ? { 'disk-snapshot-type': 'crash_consistent', 'power-state-at-snapshot': vm.power_state }
          : {},
        other_config: other,
        parent: isSnap ? vm.parent : NULL_REF,
        resident_on: NULL_REF,
        domid: -1,
        suspend_VDI: NULL_REF,
        version: 0,
        ha_always_run: false,
        appliance: NULL_REF,
      }),
    );
    const copy = this.vm(newRef);
    for (const vbd of diskVbds(s, vm)) {
      if (ignored.has(vbd.VDI)) continue;
      const src = s.must('VDI', vbd.VDI);
      const disk = newVdi(
        s,
        src.name_label,
        kind === 'copy' && targetSr ? targetSr : src.SR,
        src.virtual_size,
        s.vdiContent.get(vbd.VDI),
        isSnap
          ? { is_a_snapshot: true, snapshot_of: vbd.VDI, snapshot_time: when, sm_config: { 'vhd-parent': src.uuid } }
          : kind === 'clone'
            ? { sm_config: { 'vhd-parent': src.uuid } }
            : {},
      );
      if (isSnap) src.snapshots.push(disk);
      attachDisk(s, newRef, disk, vbd.userdevice, { owner: '' });
    }
    for (const vifRef of vm.VIFs as string[]) {
      const vif = s.must('VIF', vifRef);
      addVif(s, newRef, vif.network, vif.device, isSnap ? vif.MAC : s.newMac());
    }
    if (powerState === 'Suspended' && vm.suspend_VDI !== NULL_REF && s.get('VDI', vm.suspend_VDI)) {
      const img = s.must('VDI', vm.suspend_VDI);
      copy.suspend_VDI = newVdi(s, img.name_label, img.SR, img.virtual_size, s.vdiContent.get(vm.suspend_VDI), {
        type: 'suspend',
      });
    }
    if (isSnap) {
      // parent/children chain: vm → newest snapshot → older snapshot
      const oldParent = s.get('VM', vm.parent);
      if (oldParent) oldParent.children = (oldParent.children as string[]).map((c) => (c === vmRef ? newRef : c));
      copy.children = [vmRef];
      vm.parent = newRef;
      vm.snapshots.push(newRef);
    }
    refreshVmAllowedOps(s, newRef);
    return newRef;
  }

  revert(snapRef: string): PreparedOp {
    const snap = this.vm(snapRef);
    if (!snap.is_a_snapshot) throw new XapiError('VM_REVERT_FAILED', [snap.snapshot_of, snapRef]);
    const vmRef = snap.snapshot_of as string;
    const vm = this.store.get('VM', vmRef);
    if (!vm) throw new XapiError('VM_REVERT_FAILED', [vmRef, snapRef]);
    requireNoOtherOp(vmRef, vm);
    return {
      op: 'revert',
      lockVm: vmRef,
      apply: () => {
        this.doRevert(vmRef, snapRef);
        return '';
      },
    };
  }

  private doRevert(vmRef: string, snapRef: string): void {
    const s = this.store;
    const vm = this.vm(vmRef);
    const snap = this.vm(snapRef);
    for (const vbd of diskVbds(s, vm)) {
      const vdi = s.get('VDI', vbd.VDI);
      if (vdi) vdi.VBDs = vdi.VBDs.filter((r: string) => s.get('VBD', r)?.VM !== vmRef);
      s.remove('VBD', s.refByUuid('VBD', vbd.uuid));
    }
    vm.VBDs = (vm.VBDs as string[]).filter((r) => s.get('VBD', r));
    for (const vbd of diskVbds(s, snap)) {
      const src = s.must('VDI', vbd.VDI);
      const clone = newVdi(s, src.name_label, src.SR, src.virtual_size, s.vdiContent.get(vbd.VDI), {
        sm_config: { 'vhd-parent': src.uuid },
      });
      attachDisk(s, vmRef, clone, vbd.userdevice);
    }
    // disk-only snapshot → Halted (a checkpoint would restore Suspended)
    const state = snap.power_state === 'Suspended' && snap.suspend_VDI !== NULL_REF ? 'Suspended' : 'Halted';
    if (vm.resident_on !== NULL_REF) setResident(s, vmRef, vm, NULL_REF);
    vm.power_state = state;
    vm.domid = -1;
    vm.parent = snapRef;
    refreshVmAllowedOps(s, vmRef);
  }

  destroy(vmRef: string): PreparedOp {
    const vm = this.vm(vmRef);
    this.guardNormal(vmRef, vm, 'destroy');
    if (!vm.is_a_snapshot) requirePowerState(vmRef, vm, ['Halted', 'Suspended']);
    requireNoOtherOp(vmRef, vm);
    return {
      op: 'destroy',
      lockVm: vmRef,
      apply: () => {
        this.doDestroy(vmRef);
        return '';
      },
    };
  }

  /** Removes the VM record, its VBDs and VIFs; VDIs stay (as xapi). */
  private doDestroy(vmRef: string): void {
    const s = this.store;
    const vm = this.vm(vmRef);
    for (const vbdRef of vm.VBDs as string[]) {
      const vbd = s.get('VBD', vbdRef);
      const vdi = vbd && s.get('VDI', vbd.VDI);
      if (vdi) vdi.VBDs = vdi.VBDs.filter((r: string) => r !== vbdRef);
      s.remove('VBD', vbdRef);
    }
    for (const vifRef of vm.VIFs as string[]) {
      const vif = s.get('VIF', vifRef);
      const net = vif && s.get('network', vif.network);
      if (net) net.VIFs = net.VIFs.filter((r: string) => r !== vifRef);
      s.remove('VIF', vifRef);
    }
    const src = s.get('VM', vm.snapshot_of);
    if (src) {
      src.snapshots = src.snapshots.filter((r: string) => r !== vmRef);
      if (src.parent === vmRef) src.parent = vm.parent;
    }
    for (const [, other] of s.table('VM')) {
      if (other.parent === vmRef) other.parent = vm.parent;
      other.children = (other.children as string[]).filter((c) => c !== vmRef);
    }
    const parent = s.get('VM', vm.parent);
    if (parent) parent.children = [...new Set([...parent.children, ...vm.children])];
    if (vm.resident_on !== NULL_REF) setResident(s, vmRef, vm, NULL_REF);
    s.remove('VM', vmRef);
  }

  private transition(vmRef: string, op: string, allowed: string[], target: string): PreparedOp {
    const vm = this.vm(vmRef);
    this.guardNormal(vmRef, vm, op);
    requirePowerState(vmRef, vm, allowed);
    requireNoOtherOp(vmRef, vm);
    return {
      op,
      lockVm: vmRef,
      apply: () => {
        const v = this.vm(vmRef);
        requirePowerState(vmRef, v, allowed);
        v.power_state = target;
        if (target === 'Running') {
          setResident(this.store, vmRef, v, this.store.pool().rec.master);
          v.domid = 100 + this.store.table('VM').size;
        } else {
          setResident(this.store, vmRef, v, NULL_REF);
          v.domid = -1;
          v.suspend_VDI = NULL_REF;
        }
        for (const b of v.VBDs as string[]) {
          const vbd = this.store.get('VBD', b);
          if (vbd) vbd.currently_attached = target === 'Running';
        }
        refreshVmAllowedOps(this.store, vmRef);
        return '';
      },
    };
  }

  start(vmRef: string): PreparedOp {
    return this.transition(vmRef, 'start', ['Halted'], 'Running');
  }
  cleanShutdown(vmRef: string): PreparedOp {
    return this.transition(vmRef, 'clean_shutdown', ['Running'], 'Halted');
  }
  /** As xapi's Xapi_vm.hard_shutdown: a Suspended VM's suspend image is destroyed (its memory state is discarded). */
  hardShutdown(vmRef: string): PreparedOp {
    const prepared = this.transition(vmRef, 'hard_shutdown', ['Paused', 'Suspended', 'Running'], 'Halted');
    return {
      ...prepared,
      apply: () => {
        const vm = this.vm(vmRef);
        const image = vm.power_state === 'Suspended' ? vm.suspend_VDI : NULL_REF;
        const out = prepared.apply();
        if (image !== NULL_REF && this.store.get('VDI', image)) this.dropVdi(image);
        return out;
      },
    };
  }

  /** Forces Halted without touching the (possibly missing) suspend image. */
  powerStateReset(vmRef: string): PreparedOp {
    const vm = this.vm(vmRef);
    return {
      op: 'power_state_reset',
      apply: () => {
        if (vm.resident_on !== NULL_REF) setResident(this.store, vmRef, vm, NULL_REF);
        vm.power_state = 'Halted';
        vm.domid = -1;
        vm.suspend_VDI = NULL_REF;
        refreshVmAllowedOps(this.store, vmRef);
        return '';
      },
    };
  }

  setIsATemplate(vmRef: string, value: unknown): PreparedOp {
    const vm = this.vm(vmRef);
    if (value === true && !vm.is_a_snapshot) requirePowerState(vmRef, vm, ['Halted']);
    return {
      op: 'make_into_template',
      apply: () => {
        vm.is_a_template = value === true;
        refreshVmAllowedOps(this.store, vmRef);
        return '';
      },
    };
  }

  vdiDestroy(vdiRef: string): PreparedOp {
    const s = this.store;
    const vdi = s.must('VDI', vdiRef);
    const inUse = (vdi.VBDs as string[]).some((b) => {
      const vbd = s.get('VBD', b);
      return vbd && s.get('VM', vbd.VM);
    });
    if (inUse) throw new XapiError('VDI_IN_USE', [vdiRef, 'destroy']);
    requireNoOtherOp(vdiRef, vdi, 'VDI');
    return {
      op: 'destroy',
      lockVdi: vdiRef,
      apply: () => {
        this.dropVdi(vdiRef);
        return '';
      },
    };
  }

  private dropVdi(vdiRef: string): void {
    const s = this.store;
    const vdi = s.must('VDI', vdiRef);
    const sr = s.get('SR', vdi.SR);
    if (sr) sr.VDIs = sr.VDIs.filter((r: string) => r !== vdiRef);
    const src = s.get('VDI', vdi.snapshot_of);
    if (src) src.snapshots = src.snapshots.filter((r: string) => r !== vdiRef);
    s.remove('VDI', vdiRef);
    s.vdiContent.delete(vdiRef);
  }
}
