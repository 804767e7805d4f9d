// ova.xml as xapi writes it (ocaml/xapi/export.ml): an XML-RPC struct {version, objects:[{class,id,snapshot}]}.
// Every object reached from the exported VMs gets an id `Ref:N` (make_id, counted per export); every other reference
// becomes OpaqueRef:NULL (lookup) or is dropped from sets (filter), so no dangling pointer leaves the pool.
import { EPOCH } from './records';
import { NULL_REF, Rec, XapiStore, plainCopy } from './store';
import { valueXml } from './xmlrpcCodec';
import { xmlEscape } from './xmlrpcValue';

/** A disk whose chunks follow ova.xml: `id` is its `Ref:N`, `vdiRef` the lab's VDI. */
export interface OvaDisk {
  id: string;
  vdiRef: string;
  size: number;
}

export interface OvaOptions {
  /** export.ml make_vm ~with_snapshot_metadata: true only for /export_metadata (export_snapshots, default true). */
  withSnapshotMetadata?: boolean;
  /** export.ml ~preserve_power_state: keep power_state/suspend_VDI/currently_attached, else Halted and NULL. */
  preservePowerState?: boolean;
}

/** The Ref:N table of export.ml update_table: the VMs, their VIFs/networks, VBDs/VDIs/SRs, hosts, snapshots. */
class ExportTable {
  readonly ids = new Map<string, string>();
  readonly order: { cls: string; ref: string }[] = [];
  constructor(private store: XapiStore) {}
  add(cls: string, ref: string): void {
    if (!ref || ref === NULL_REF || this.ids.has(ref) || !this.store.get(cls, ref)) return;
    this.ids.set(ref, `Ref:${this.ids.size}`);
    this.order.push({ cls, ref });
  }
  /** export.ml lookup: Ref:N when exported, else NULL. */
  lookup(ref: unknown): string {
    return this.ids.get(String(ref)) ?? NULL_REF;
  }
  /** export.ml filter: the set's exported members as Ref:N. */
  filter(refs: unknown): string[] {
    return (Array.isArray(refs) ? refs : []).map((r) => this.lookup(r)).filter((r) => r !== NULL_REF);
  }
}

function addVm(store: XapiStore, t: ExportTable, vmRef: string, o: OvaOptions, withSnapshots: boolean): void {
  const vm = store.get('VM', vmRef);
  if (!vm || t.ids.has(vmRef)) return;
  t.add('VM', vmRef);
  for (const vif of vm.VIFs as string[]) {
    t.add('VIF', vif);
    const rec = store.get('VIF', vif);
    if (rec) t.add('network', rec.network);
  }
  for (const vbd of vm.VBDs as string[]) {
    t.add('VBD', vbd);
    const rec = store.get('VBD', vbd);
    if (rec && !rec.empty) addVdi(store, t, rec.VDI);
  }
  if (withSnapshots) for (const s of vm.snapshots as string[]) addVm(store, t, s, o, false);
  if (o.preservePowerState && vm.power_state === 'Suspended') addVdi(store, t, vm.suspend_VDI);
  t.add('host', vm.resident_on);
  t.add('host', vm.affinity);
  if (withSnapshots) addVm(store, t, vm.parent, o, false);
}

function addVdi(store: XapiStore, t: ExportTable, vdiRef: string): void {
  t.add('VDI', vdiRef);
  const vdi = store.get('VDI', vdiRef);
  if (vdi) t.add('SR', vdi.SR);
}

/** The record as export.ml's make_<class> rewrites it. */
function exportedRecord(cls: string, rec: Rec, t: ExportTable, o: OvaOptions): Rec {
  const pps = !!o.preservePowerState;
  const meta = !!o.withSnapshotMetadata;
  const r = plainCopy(rec);
  switch (cls) {
    case 'VM':
      return {
        ...r,
        power_state: pps ? rec.power_state : 'Halted',
        suspend_VDI: pps ? t.lookup(rec.suspend_VDI) : NULL_REF,
        is_a_snapshot: meta ? rec.is_a_snapshot : false,
        snapshot_of: meta ? t.lookup(rec.snapshot_of) : NULL_REF,
        snapshots: meta ? t.filter(rec.snapshots) : [],
        snapshot_time: meta ? rec.snapshot_time : EPOCH,
        parent: meta ? t.lookup(rec.parent) : NULL_REF,
        // is_a_template is not touched: a snapshot (is_a_template=true) exports as a template.
        children: t.filter(rec.children),
        current_operations: {},
        allowed_operations: [],
        VIFs: t.filter(rec.VIFs),
        VBDs: t.filter(rec.VBDs),
        VTPMs: t.filter(rec.VTPMs),
        resident_on: t.lookup(rec.resident_on),
        affinity: t.lookup(rec.affinity),
        metrics: t.lookup(rec.metrics),
        guest_metrics: t.lookup(rec.guest_metrics),
        appliance: t.lookup(rec.appliance),
      };
    case 'VIF':
      return {
        ...r,
        currently_attached: pps ? rec.currently_attached : false,
        network: t.lookup(rec.network),
        VM: t.lookup(rec.VM),
        current_operations: {},
        allowed_operations: [],
      };
    case 'VBD':
      return {
        ...r,
        currently_attached: pps ? rec.currently_attached : false,
        VDI: t.lookup(rec.VDI),
        VM: t.lookup(rec.VM),
        current_operations: {},
        allowed_operations: [],
      };
    case 'VDI':
      return {
        ...r,
        VBDs: t.filter(rec.VBDs),
        SR: t.lookup(rec.SR),
        snapshot_of: t.lookup(rec.snapshot_of),
        snapshots: t.filter(rec.snapshots),
        current_operations: {},
        allowed_operations: [],
      };
    case 'SR':
      return { ...r, VDIs: t.filter(rec.VDIs), PBDs: [], current_operations: {}, allowed_operations: [] };
    case 'network':
      return { ...r, VIFs: t.filter(rec.VIFs), PIFs: [], current_operations: {}, allowed_operations: [] };
    case 'host':
      return {
        ...r,
        PIFs: [],
        PBDs: [],
        host_CPUs: [],
        other_config: {},
        software_version: {},
        tags: [],
        metrics: NULL_REF,
        resident_VMs: t.filter(rec.resident_VMs),
        control_domain: t.lookup(rec.control_domain),
      };
    default:
      return r;
  }
}

/** export.ml make_all lists classes in this order. */
const CLASS_ORDER = ['host', 'VM', 'VBD', 'VIF', 'network', 'VDI', 'SR'];

/**
 * ova.xml for `vmRefs` (export.ml vm_metadata) and the disks whose data follows it (export.ml export: not CD, not in
 * an ISO SR, plus the suspend image when power state is preserved and the VM is Suspended).
 */
export function buildOva(
  store: XapiStore,
  vmRefs: string | string[],
  o: OvaOptions = {},
): { xml: string; disks: OvaDisk[] } {
  const refs = Array.isArray(vmRefs) ? vmRefs : [vmRefs];
  const t = new ExportTable(store);
  for (const r of refs) addVm(store, t, r, o, !!o.withSnapshotMetadata);
  const disks: OvaDisk[] = [];
  if (refs.length === 1) {
    const vm = store.must('VM', refs[0]);
    const vdis: string[] = (vm.VBDs as string[])
      .map((b) => store.get('VBD', b))
      .filter((b) => b && b.type !== 'CD' && !b.empty)
      .map((b) => b!.VDI);
    if (o.preservePowerState && vm.power_state === 'Suspended' && vm.suspend_VDI !== NULL_REF)
      vdis.unshift(vm.suspend_VDI);
    for (const v of vdis) {
      const vdi = store.get('VDI', v);
      if (!vdi || !t.ids.has(v) || store.get('SR', vdi.SR)?.content_type === 'iso') continue;
      disks.push({ id: t.lookup(v), vdiRef: v, size: vdi.virtual_size });
    }
  }
  // Each record is marshalled by its datamodel field types (API.rpc_of_<class>_t): int as a decimal string, float as
  // <double> even when integral, datetime as <dateTime.iso8601>, bool as <boolean>.
  const member = (name: string, valueXmlText: string): string =>
    `<member><name>${xmlEscape(name)}</name>${valueXmlText}</member>`;
  const objects = CLASS_ORDER.flatMap((cls) => t.order.filter((x) => x.cls === cls)).map(
    ({ cls, ref }) =>
      `<value><struct>${member(
        'class',
        valueXml(cls, 'string'),
      )}${member('id', valueXml(t.lookup(ref), 'string'))}${member(
        'snapshot',
        valueXml(exportedRecord(cls, store.must(cls, ref), t, o), `${cls} record`),
      )}</struct></value>`,
  );
  const master = store.must('host', store.pool().rec.master);
  // importexport.ml rpc_of_version: strings, and xapi_major/xapi_minor/export_vsn as ints.
  const version = valueXml({
    hostname: master.hostname,
    date: new Date().toISOString().slice(0, 10),
    product_version: '8.2.1',
    product_brand: 'XCP-ng',
    build_number: 'release/yangtze/master/58',
    xapi_major: 1,
    xapi_minor: 20,
    export_vsn: 2,
  });
  return {
    xml: `<value><struct>${member('version', version)}${member('objects', `<value><array><data>${objects.join('')}</data></array></value>`)}</struct></value>`,
    disks,
  };
}

export { NULL_REF };
