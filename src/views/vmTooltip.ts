// What a VM node's tooltip says, as labelled rows (pure: the tree turns them into a MarkdownString).
import { ContainerInfo, VmInfo } from '../core/model';
import { formatBytes } from '../core/progress';
import { CatalogEntry } from '../core/repository';
import { ageText, dateText } from '../ui/format';

/** One line of a tooltip: a label and its value (plain text: the tree escapes it). */
export interface TooltipRow {
  label: string;
  value: string;
}

/**
 * The host a VM runs on: the name its record gives (VmInfo.hostName), else the container of the tree path above it
 * whose id is the VM's host (Xen host, ESX host, OVM server), else undefined (a VM that runs nowhere).
 */
export function hostNameOf(vm: VmInfo, path: ContainerInfo[]): string | undefined {
  if (vm.hostName) return vm.hostName;
  return vm.hostId ? path.find((c) => c.id === vm.hostId)?.name : undefined;
}

/** The file a backup is mostly made of (the largest: the XVA, the disk image), as a path in its repository. */
export function backupFileOf(entry: CatalogEntry): string | undefined {
  const file = [...entry.files]
    .filter((f) => f.name !== 'manifest.json')
    .sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name))[0];
  if (!file) return entry.id || undefined;
  const id = entry.id.replace(/\\/g, '/');
  return id === file.name || id.endsWith(`/${file.name}`) ? id : `${id}/${file.name}`;
}

/**
 * The rows of a VM's tooltip, in this order: power state (with what runs on it now, and a missing suspend disk),
 * memory, vCPUs, host, IP addresses, last backup (date in the user's locale, its age, its file), UUID, description.
 * Rows whose data the platform does not give are left out, except the last backup (`none`). `now`: ms since epoch.
 */
export function vmTooltipRows(
  vm: VmInfo,
  hostName: string | undefined,
  last: CatalogEntry | undefined,
  now = Date.now(),
): TooltipRow[] {
  const rows: TooltipRow[] = [];
  const power = [
    vm.powerState,
    vm.suspendDiskMissing ? 'suspend disk missing' : '',
    vm.operations?.length ? `busy: ${vm.operations.join(', ')}` : '',
  ].filter(Boolean);
  rows.push({ label: 'Power', value: power.join(' · ') });
  if (vm.memoryBytes) rows.push({ label: 'Memory', value: formatBytes(vm.memoryBytes) });
  if (vm.vcpus) rows.push({ label: 'vCPUs', value: String(vm.vcpus) });
  if (hostName) rows.push({ label: 'Host', value: hostName });
  if (vm.ipAddresses?.length) rows.push({ label: 'IP', value: vm.ipAddresses.join(', ') });
  if (last) {
    const when = last.created ? `${dateText(last.created)} (${ageText(last.created, now)})` : 'date unknown';
    const file = backupFileOf(last);
    rows.push({ label: 'Last backup', value: file ? `${when} · ${file}` : when });
  } else rows.push({ label: 'Last backup', value: 'none' });
  rows.push({ label: 'UUID', value: vm.uuid });
  if (vm.description) rows.push({ label: 'Description', value: vm.description });
  return rows;
}
