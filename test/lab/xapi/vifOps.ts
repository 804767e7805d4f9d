// VIF.create / VIF.destroy (xapi_vif.ml; datamodel VIF.create takes a record, the MAC is fixed at creation).
import { XapiError } from './errors';
import { addVif } from './records';
import { XapiStore } from './store';

/** VIF.create(record): a VIF of `VM` on `network` with the record's device and MAC (MAC_INVALID when malformed). */
export function vifCreate(store: XapiStore, rec: unknown): string {
  const r = (rec ?? {}) as Record<string, unknown>;
  store.must('VM', r.VM);
  store.must('network', r.network);
  const mac = String(r.MAC ?? '');
  if (mac && !/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(mac)) throw new XapiError('MAC_INVALID', [mac]);
  const vm = store.must('VM', r.VM);
  const device = String(r.device ?? '0');
  if ((vm.VIFs as string[]).some((v) => store.get('VIF', v)?.device === device))
    throw new XapiError('DEVICE_ALREADY_EXISTS', [device]);
  const ref = addVif(store, String(r.VM), String(r.network), device, mac || store.newMac());
  const vif = store.must('VIF', ref);
  vif.MTU = Number(r.MTU ?? 1500);
  vif.other_config = { ...((r.other_config as object) ?? {}) };
  return ref;
}

/** VIF.destroy: the record, out of its VM's and network's sets. */
export function vifDestroy(store: XapiStore, ref: unknown): string {
  const vif = store.must('VIF', ref);
  const vm = store.get('VM', vif.VM);
  if (vm) vm.VIFs = (vm.VIFs as string[]).filter((v) => v !== ref);
  const net = store.get('network', vif.network);
  if (net) net.VIFs = (net.VIFs as string[]).filter((v) => v !== ref);
  store.remove('VIF', String(ref));
  return '';
}

/**
 * network.destroy as xapi_network.ml `destroy`: refused with NETWORK_CONTAINS_VIF while a VIF on it is
 * currently_attached (or reserved), with NETWORK_CONTAINS_PIF while a PIF is on it; otherwise its (detached) VIFs and
 * then the network row are destroyed.
 */
export function networkDestroy(store: XapiStore, ref: unknown): string {
  const net = store.must('network', ref);
  const vifs = (net.VIFs as string[]) ?? [];
  const connected = vifs.filter((v) => store.get('VIF', v)?.currently_attached || store.get('VIF', v)?.reserved);
  if (connected.length) throw new XapiError('NETWORK_CONTAINS_VIF', connected);
  if (((net.PIFs as string[]) ?? []).length) throw new XapiError('NETWORK_CONTAINS_PIF', net.PIFs as string[]);
  for (const v of [...vifs]) vifDestroy(store, v);
  store.remove('network', String(ref));
  return '';
}
