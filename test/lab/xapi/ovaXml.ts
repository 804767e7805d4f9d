// ova.xml: XML-RPC struct {version, objects:[{class,id,snapshot}]} with refs renamed to Ref:n.
import { NULL_REF, Rec, XapiStore } from './store';
import { toXmlRpcValue } from './xmlrpcValue';

export interface OvaDisk { id: string; vdiRef: string; size: number }

export function buildOva(store: XapiStore, vmRef: string): { xml: string; disks: OvaDisk[] } {
  const ids = new Map<string, string>();
  const objects: { cls: string; ref: string; rec: Rec }[] = [];
  const add = (cls: string, ref: string): void => {
    if (ids.has(ref)) return;
    const rec = store.get(cls, ref);
    if (!rec) return;
    ids.set(ref, `Ref:${ids.size}`);
    objects.push({ cls, ref, rec });
  };
  const vm = store.must('VM', vmRef);
  add('VM', vmRef);
  const disks: OvaDisk[] = [];
  for (const vbdRef of vm.VBDs as string[]) {
    const vbd = store.get('VBD', vbdRef);
    if (!vbd) continue;
    add('VBD', vbdRef);
    const vdi = store.get('VDI', vbd.VDI);
    const sr = vdi && store.get('SR', vdi.SR);
    if (!vdi || vbd.type !== 'Disk' || sr?.content_type === 'iso') continue;
    add('VDI', vbd.VDI);
    add('SR', vdi.SR);
    disks.push({ id: ids.get(vbd.VDI)!, vdiRef: vbd.VDI, size: vdi.virtual_size });
  }
  for (const vifRef of vm.VIFs as string[]) {
    add('VIF', vifRef);
    const vif = store.get('VIF', vifRef);
    if (vif) add('network', vif.network);
  }
  const rename = (v: unknown): unknown => {
    if (typeof v === 'string') return ids.get(v) ?? v;
    if (Array.isArray(v)) return v.map(rename);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rename(x)]));
    return v;
  };
  const pool = store.pool().rec;
  const master = store.must('host', pool.master);
  const value = {
    version: {
      hostname: master.hostname, date: new Date().toISOString().slice(0, 10), product_version: '8.2.1',
      product_brand: 'XCP-ng', build_number: 'release/yangtze/master/58', xapi_major: '1', xapi_minor: '20', export_vsn: '2',
    },
    objects: objects.map((o) => ({ class: o.cls, id: ids.get(o.ref)!, snapshot: rename(o.rec) })),
  };
  return { xml: toXmlRpcValue(value), disks };
}

export { NULL_REF };
