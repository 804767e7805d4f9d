// Seeds a realistic pool: hosts with dom0, VMs in mixed power states, templates, a snapshot chain.
import { EPOCH, addVif, allowedOps, attachDisk, newVdi, vmRecord } from './records';
import { NULL_REF, Rec, XapiStore } from './store';

export interface SeedOptions {
  hosts: number;
  vmsPerHost: number;
  diskBytes: number;
}

const ROLES = ['web', 'db', 'app', 'cache', 'mail', 'proxy', 'file', 'build', 'ci', 'dns'];

/** Host i (0-based) listens on its own loopback address; the master (i = 0) on 127.0.0.1. */
export function hostAddress(i: number): string {
  return `127.0.${Math.floor(i / 250)}.${(i % 250) + 1}`;
}

function addSr(
  store: XapiStore,
  name: string,
  type: string,
  shared: boolean,
  size: number,
  contentType = 'user',
): string {
  return store.add('SR', {
    uuid: '',
    name_label: name,
    name_description: '',
    type,
    content_type: contentType,
    shared,
    physical_size: size,
    physical_utilisation: 0,
    virtual_allocation: 0,
    VDIs: [],
    PBDs: [],
    other_config: {},
    tags: [],
  });
}

/** Plugs an SR into a host (a PBD): only hosts with an attached PBD see the SR. */
function plug(store: XapiStore, sr: string, host: string): void {
  const pbd = store.add('PBD', {
    uuid: '',
    host,
    SR: sr,
    device_config: {},
    currently_attached: true,
    other_config: {},
  });
  store.must('SR', sr).PBDs.push(pbd);
  store.must('host', host).PBDs.push(pbd);
}

export function seedInventory(store: XapiStore, o: SeedOptions): void {
  // Every host has its own non-shared "Local storage" (the master's is the pool default); NFS and ISO are shared.
  const masterLocal = addSr(store, 'Local storage', 'lvm', false, 500 * 2 ** 30);
  const nfs = addSr(store, 'NFS storage', 'nfs', true, 2 * 2 ** 40, '');
  const iso = addSr(store, 'ISO library', 'iso', true, 100 * 2 ** 30, 'iso');
  const net = store.add('network', {
    uuid: '',
    name_label: 'Pool-wide network associated with eth0',
    bridge: 'xenbr0',
    MTU: 1500,
    VIFs: [],
    PIFs: [],
    other_config: {},
  });
  const hosts: string[] = [];
  for (let h = 1; h <= o.hosts; h++) {
    const name = `xcp-host-${String(h).padStart(2, '0')}`;
    hosts.push(
      store.add('host', {
        uuid: '',
        name_label: name,
        name_description: 'Default install',
        hostname: name,
        address: hostAddress(h - 1),
        enabled: true,
        resident_VMs: [],
        control_domain: NULL_REF,
        software_version: {
          product_brand: 'XCP-ng',
          product_version: '8.2.1',
          platform_name: 'XCP',
          xapi: '1.20',
          xen: '4.13.5',
        },
        API_version_major: 2,
        API_version_minor: 21,
        API_version_vendor: 'XenSource',
        metrics: NULL_REF,
        PBDs: [],
        PIFs: [],
        host_CPUs: [],
        other_config: {},
        tags: [],
      }),
    );
  }
  const localSrs = hosts.map((_h, i) =>
    i === 0 ? masterLocal : addSr(store, 'Local storage', 'lvm', false, 500 * 2 ** 30),
  );
  hosts.forEach((h, i) => {
    plug(store, localSrs[i], h);
    plug(store, nfs, h);
    plug(store, iso, h);
  });
  store.add('pool', {
    uuid: '',
    name_label: 'lab-pool',
    name_description: '',
    master: hosts[0],
    default_SR: masterLocal,
    suspend_image_SR: masterLocal,
    crash_dump_SR: masterLocal,
    ha_enabled: false,
    other_config: {},
    tags: [],
  });

  let n = 0;
  hosts.forEach((hostRef, hi) => {
    const host = store.must('host', hostRef);
    const dom0 = store.add(
      'VM',
      vmRecord(`Control domain on host: ${host.hostname}`, {
        is_control_domain: true,
        power_state: 'Running',
        resident_on: hostRef,
        domid: 0,
        domain_type: 'pv',
        memory_static_max: 4294967296,
        VCPUs_max: 8,
      }),
    );
    host.control_domain = dom0;
    host.resident_VMs.push(dom0);
    for (let i = 0; i < o.vmsPerHost; i++) {
      n++;
      const name = `${ROLES[(n - 1) % ROLES.length]}-${String(Math.ceil(n / ROLES.length)).padStart(2, '0')}`;
      const state = hi === 0 && i === 2 ? 'Suspended' : i % 2 === 0 ? 'Running' : 'Halted';
      const vm = store.add(
        'VM',
        vmRecord(name, {
          name_description: `${name} (lab)`,
          power_state: state,
          resident_on: state === 'Running' ? hostRef : NULL_REF,
          domid: state === 'Running' ? n : -1,
          memory_static_max: 2 ** 30 * (1 + (n % 4)),
          VCPUs_max: 1 + (n % 4),
          VCPUs_at_startup: 1 + (n % 4),
          other_config: { 'lab:index': String(n) },
          tags: n % 3 === 0 ? ['backup'] : [],
        }),
      );
      if (state === 'Running') host.resident_VMs.push(vm);
      const disks = i === 0 ? 2 : 1;
      for (let d = 0; d < disks; d++) {
        const vdi = newVdi(store, `${name} disk ${d}`, localSrs[hi], o.diskBytes);
        attachDisk(store, vm, vdi, String(d));
      }
      addVif(store, vm, net, '0', store.newMac());
      if (state === 'Suspended') {
        store.must('VM', vm).suspend_VDI = newVdi(
          store,
          `Suspend image for ${name}`,
          localSrs[hi],
          1024 * 1024,
          undefined,
          { type: 'suspend' },
        );
      }
    }
  });

  for (const t of ['Debian Bullseye 11', 'CentOS Stream 9', 'Windows Server 2022 (64-bit)', 'Other install media']) {
    store.add(
      'VM',
      vmRecord(t, { is_a_template: true, is_default_template: true, other_config: { default_template: 'true' } }),
    );
  }
  // Last, so that the records above keep their uuids: what a running guest's agent reported (xapi_guest_agent.ml).
  for (const vm of store.table('VM').values()) {
    if (vm.power_state === 'Running' && !vm.is_control_domain) vm.guest_metrics = addGuestMetrics(store, vm);
  }
  for (const cls of ['pool', 'host', 'SR', 'network', 'VM', 'VBD', 'VIF', 'VDI']) {
    for (const [, rec] of store.table(cls)) rec.allowed_operations = allowedOps(store, cls, rec);
  }
}

/**
 * The VM_guest_metrics a guest agent makes xapi write (ocaml/xapi/xapi_guest_agent.ml `networks`: xenstore
 * `attr/eth<n>/ip` → `<n>/ip`, `attr/eth<n>/ipv6/<i>/addr` → `<n>/ipv6/<i>`): one address per VIF from the
 * documentation ranges (192.0.2.0/24, 2001:db8::/32), numbered by the VM's lab index.
 */
export function addGuestMetrics(store: XapiStore, vm: Rec): string {
  const n = Number(vm.other_config?.['lab:index'] ?? 0);
  return store.add('VM_guest_metrics', {
    uuid: '',
    os_version: { name: 'Debian GNU/Linux 12 (bookworm)', distro: 'debian', major: '12' },
    PV_drivers_version: { major: '8', minor: '2', micro: '0' },
    networks: { '0/ip': `192.0.2.${n}`, '0/ipv6/0': `2001:db8::${n.toString(16)}` },
    other: { 'feature-shutdown': '1' },
    last_updated: EPOCH,
    other_config: {},
    live: true,
  });
}
