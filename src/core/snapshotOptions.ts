// Which snapshot options apply to a VM now: what its platform declares (Capabilities.snapshots) and its state allows.
// The tree's tokens (views/contextTokens.ts), the pickers and the CLI all ask here.
import { Capabilities, VmInfo } from './model';

/**
 * `memory`: declared and the VM is running (a halted VM has no memory to keep; vSphere ignores it then); `quiesce`:
 * declared and the guest tools run now (CreateSnapshot_Task's quiesce needs VMware Tools).
 */
export function applicableSnapshotOptions(vm: VmInfo, caps: Capabilities): { memory: boolean; quiesce: boolean } {
  return {
    memory: !!caps.snapshots?.memory && vm.powerState === 'running',
    quiesce: !!caps.snapshots?.quiesce && !!vm.toolsRunning,
  };
}

/**
 * Why `option` does not apply to `vm` now, or undefined when it does: the platform does not offer it at all
 * (Capabilities.snapshots), else what the VM's state lacks (memory: not running; quiesce: guest tools not running).
 * `platform` names the platform in the message (e.g. `xen`).
 */
export function snapshotOptionRefusal(
  option: 'memory' | 'quiesce',
  vm: VmInfo,
  caps: Capabilities,
  platform: string,
): string | undefined {
  if (applicableSnapshotOptions(vm, caps)[option]) return undefined;
  const what = option === 'memory' ? 'memory snapshots' : 'quiesced snapshots';
  if (!caps.snapshots?.[option]) return `${platform} does not offer ${what}`;
  return option === 'memory'
    ? `memory snapshots need a running VM (${vm.name} is ${vm.powerState})`
    : `quiescing needs the guest tools running (they are not running in ${vm.name})`;
}
