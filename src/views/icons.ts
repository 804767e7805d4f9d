// The Infrastructure tree's icons as codicon ids and theme colours (the tree makes ThemeIcons of them). No `vscode`
// import: tested in Node.
import { ContainerIcon, PowerState, SnapshotInfo, VmInfo } from '../core/model';
import { ConnectionFailure } from './connectionFailure';

/** A codicon id (`vm`, `loading~spin`) and an optional theme colour id (`charts.yellow`). */
export interface IconSpec {
  id: string;
  color?: string;
}

export const CONTAINER_ICONS: Record<ContainerIcon, string> = {
  pool: 'server-environment',
  host: 'server',
  datacenter: 'globe',
  cluster: 'layers',
  folder: 'folder',
  resourcePool: 'symbol-namespace',
};

/**
 * A VM is always drawn as a VM, its state by the icon's variant and colour, as XenCenter and the vSphere Client draw
 * theirs: running green, halted outlined, suspended and paused the VM icon in yellow / orange; a suspended VM whose
 * suspend disk is gone in the warning colour. A VM the platform is working on (XAPI `current_operations`) spins.
 */
const POWER: Record<PowerState, IconSpec> = {
  running: { id: 'vm-running', color: 'charts.green' },
  halted: { id: 'vm-outline' },
  suspended: { id: 'vm', color: 'charts.yellow' },
  paused: { id: 'vm', color: 'charts.orange' },
  unknown: { id: 'vm', color: 'disabledForeground' },
};

export function vmIcon(vm: VmInfo): IconSpec {
  if (vm.operations?.length) return { id: 'sync~spin' };
  if (vm.suspendDiskMissing) return { id: 'vm', color: 'list.warningForeground' };
  return POWER[vm.powerState] ?? POWER.unknown;
}

/**
 * The snapshot the VM's current state is based on carries XenCenter's "You are here" marker (a location pin); the
 * others a history clock.
 */
export function snapshotIcon(s: SnapshotInfo): IconSpec {
  return s.isCurrent ? { id: 'location', color: 'charts.blue' } : { id: 'history' };
}

/** A connection: a plug, or what failed in the error colour (login, certificate, reachability). */
export function connectionIcon(failure?: ConnectionFailure): IconSpec {
  if (!failure) return { id: 'plug' };
  const id = { authentication: 'lock', certificate: 'workspace-untrusted', unreachable: 'debug-disconnect' }[
    failure.kind
  ];
  return { id, color: 'errorForeground' };
}
