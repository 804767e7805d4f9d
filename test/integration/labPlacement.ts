// Where the lab keeps a VM's disks: tests that need the master (or one member) to serve an export pick their VM here.
import { XapiLab } from '../lab/xapi';

/** A halted VM whose disks are on the local SR of lab host `i` (only that host sees it). */
export function haltedVmOn(lab: XapiLab, i: number): { ref: string; uuid: string; sr: string } {
  const s = lab.store;
  const hostRef = lab.hosts[i].ref;
  const local = [...s.table('SR')].find(
    ([, sr]) => !sr.shared && sr.PBDs.every((p: string) => s.get('PBD', p)?.host === hostRef),
  )![0];
  const [ref, vm] = [...s.table('VM')].find(
    ([, v]) =>
      !v.is_control_domain &&
      !v.is_a_template &&
      !v.is_a_snapshot &&
      v.power_state === 'Halted' &&
      v.VBDs.some((b: string) => s.get('VDI', s.get('VBD', b)!.VDI)?.SR === local),
  )!;
  return { ref, uuid: vm.uuid, sr: local };
}
