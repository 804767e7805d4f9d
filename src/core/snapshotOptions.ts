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
