// XAPI records as the provider reads them, and their mapping to the neutral model.
import { ContainerInfo, PowerState, SnapshotInfo, VmInfo } from '../../core/model';
import { NULL_REF, Ref } from './xapiClient';

export interface XenVm {
  uuid: string;
  name_label: string;
  name_description: string;
  power_state: string;
  is_a_template: boolean;
  is_control_domain: boolean;
  is_a_snapshot: boolean;
  snapshot_of: Ref;
  snapshots: Ref[];
  snapshot_time: string;
  parent: Ref;
  children: Ref[];
  resident_on: Ref;
  affinity?: Ref;
  VBDs: Ref[];
  other_config: Record<string, string>;
  suspend_VDI: Ref;
  current_operations?: Record<Ref, string>;
  memory_static_max: string | number;
  VCPUs_max: string | number;
  /** What the guest agent reported (VM_guest_metrics), NULL_REF until it did. */
  guest_metrics?: Ref;
}
/** The fields of a VM_guest_metrics record the tree reads. */
export interface XenGuestMetrics {
  /** `<vif>/ip`, `<vif>/ipv4/<i>`, `<vif>/ipv6/<i>` → address (ocaml/xapi/xapi_guest_agent.ml `networks`). */
  networks?: Record<string, string>;
}
export interface XenHost {
  uuid: string;
  name_label: string;
  address: string;
  enabled: boolean;
  software_version?: Record<string, string>;
}
export interface XenPool {
  uuid: string;
  name_label: string;
  master: Ref;
  default_SR: Ref;
}
export interface XenVbd {
  VDI: Ref;
  type: string;
}
export interface XenSr {
  uuid: string;
  name_label: string;
  type: string;
  shared: boolean;
  content_type: string;
  physical_size: string | number;
  physical_utilisation: string | number;
}

export const TEMP_TAG = 'vmbackup:temporary';
export const MADE_BY_TAG = 'vmbackup:created-by';

export function powerState(s: string): PowerState {
  const p = s.toLowerCase();
  return (['running', 'halted', 'suspended', 'paused'] as const).find((x) => x === p) ?? 'unknown';
}

/** datetime on the wire is ISO-8601 basic date + extended time: 20230305T18:18:29Z. */
export function parseXapiTime(s: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(s ?? '');
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : new Date(s);
}

export function isRealVm(v: XenVm): boolean {
  return !v.is_a_template && !v.is_a_snapshot && !v.is_control_domain;
}

/** A pool as the tree's top container: its name, else its master's, else the connection's. */
export function toPoolContainer(ref: Ref, p: XenPool, hosts: Record<Ref, XenHost>, fallback: string): ContainerInfo {
  return {
    type: 'container',
    kind: 'pool',
    icon: 'pool',
    id: ref,
    name: p.name_label || hosts[p.master]?.name_label || fallback,
  };
}

/** A host: its address, `disabled` when it takes no VMs, its product version. */
export function toHostContainer(ref: Ref, h: XenHost): ContainerInfo {
  const version = h.software_version?.product_version;
  return {
    type: 'container',
    kind: 'host',
    icon: 'host',
    id: ref,
    name: h.name_label,
    detail: `${h.address}${h.enabled ? '' : ' · disabled'}${version ? ' · ' + version : ''}`,
    isHost: true,
    enabled: h.enabled,
  };
}

/** What a VM's row reads beyond its own record: the pool's VM_guest_metrics by ref, and a host's name by ref. */
export interface VmLookups {
  guestMetrics?: Record<Ref, XenGuestMetrics>;
  hostName?: (host: Ref) => string | undefined;
}

/**
 * A VM record as the neutral VmInfo; its IP addresses come from the VM_guest_metrics its `guest_metrics` names, its
 * host's name from `lookups.hostName` (both left out when `lookups` is absent).
 */
export function toVmInfo(
  ref: Ref,
  v: XenVm,
  poolId: string,
  vdiExists: (r: Ref) => boolean,
  lookups: VmLookups = {},
): VmInfo {
  const state = powerState(v.power_state);
  const ips = state === 'running' ? guestIps(lookups.guestMetrics?.[v.guest_metrics ?? NULL_REF]?.networks) : [];
  const host = v.resident_on && v.resident_on !== NULL_REF ? lookups.hostName?.(v.resident_on) : undefined;
  return {
    id: ref,
    uuid: v.uuid,
    name: v.name_label,
    description: v.name_description,
    powerState: state,
    poolId,
    hostId: v.resident_on && v.resident_on !== NULL_REF ? v.resident_on : undefined,
    memoryBytes: Number(v.memory_static_max) || undefined,
    vcpus: Number(v.VCPUs_max) || undefined,
    snapshotCount: (v.snapshots ?? []).length,
    operations: Object.values(v.current_operations ?? {}).length
      ? Object.values(v.current_operations ?? {})
      : undefined,
    suspendDiskMissing:
      state === 'suspended' && (!v.suspend_VDI || v.suspend_VDI === NULL_REF || !vdiExists(v.suspend_VDI)),
    ...(ips.length ? { ipAddresses: ips } : {}),
    ...(host ? { hostName: host } : {}),
  };
}

/**
 * The addresses of VM_guest_metrics.networks, by VIF device number, IPv4 (`<n>/ip`, `<n>/ipv4/<i>`) before IPv6
 * (`<n>/ipv6/<i>`), each once. Keys as ocaml/xapi/xapi_guest_agent.ml `networks` writes them; others are ignored.
 */
export function guestIps(networks: Record<string, string> | undefined): string[] {
  const rows: Array<{ vif: number; v6: boolean; i: number; ip: string }> = [];
  for (const [key, ip] of Object.entries(networks ?? {})) {
    const m = /^(\d+)\/(?:ip|ipv4\/(\d+)|ipv6\/(\d+))$/.exec(key);
    if (!m || typeof ip !== 'string' || !ip) continue;
    rows.push({ vif: Number(m[1]), v6: m[3] !== undefined, i: Number(m[2] ?? m[3] ?? -1), ip });
  }
  rows.sort((a, b) => Number(a.v6) - Number(b.v6) || a.vif - b.vif || a.i - b.i);
  return [...new Set(rows.map((r) => r.ip))];
}

export function toSnapshotInfo(ref: Ref, v: XenVm, all: Record<Ref, XenVm>, vm: XenVm | undefined): SnapshotInfo {
  const parent = v.parent && v.parent !== NULL_REF && all[v.parent]?.is_a_snapshot ? v.parent : undefined;
  return {
    id: ref,
    uuid: v.uuid,
    vmId: v.snapshot_of,
    name: v.name_label,
    time: parseXapiTime(v.snapshot_time),
    parentId: parent,
    madeByUs: !!v.other_config?.[MADE_BY_TAG],
    isCurrent: vm?.parent === ref,
    withMemory: powerState(v.power_state) === 'suspended',
  };
}
