// The lab Manager's inventory: seeded server pools, servers, repositories, VMs and their disks; lookups by type and id.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  AnyObj,
  JobObj,
  ManagerObj,
  NetworkObj,
  OVM_TYPES,
  OvmType,
  Ref,
  RepositoryObj,
  FileSystemObj,
  ServerObj,
  ServerPoolObj,
  VirtualDiskObj,
  VmCloneDefinitionObj,
  VmDiskMappingObj,
  VmObj,
  base,
  ref,
} from './model';

/** Ids as OVM writes them: 32 hex chars with the type's infix (fog-oracle mocks; protocols.md §2.3). */
const INFIX: Partial<Record<OvmType, string>> = {
  ServerPool: '0002',
  Repository: '0003',
  FileSystem: '0005',
  Vm: '0006',
  VirtualDisk: '0012',
  VmDiskMapping: '0013',
};

export function newId(type: OvmType): string {
  if (type === 'Server') return randomBytes(16).toString('hex').match(/../g)!.join(':');
  return (
    `0004fb0000${INFIX[type] ?? '0000'}0000${randomBytes(8).toString('hex')}` + (type === 'VirtualDisk' ? '.img' : '')
  );
}

export interface SeedOptions {
  /**
   * Repository name → a local folder standing for its file system (`VirtualMachines/<vm id>/vm.cfg`,
   * `VirtualDisks/<disk id>`): the seed writes its VMs' files there, a clone copies them. Serve the folder over SFTP
   * (test/peers/openssh) to play the Oracle VM Server that presents the repository.
   */
  repositoryDirs?: Record<string, string>;
  /**
   * A folder standing for an Oracle VM Server's `/OVS/Repositories`: every repository not in repositoryDirs gets
   * `<root>/<repository id>` (as a server mounts it). Its `VirtualMachines/` and `VirtualDisks/` are made writable by
   * all at seed, so the sshd peer's unprivileged user can write there as root does on a real server.
   */
  repositoryRoot?: string;
  /** Bytes of each seeded disk image written into repositoryDirs (default 256 KiB). */
  diskBytes?: number;
}

export class OvmStore {
  readonly objects = new Map<OvmType, Map<string, AnyObj>>();
  readonly repositoryDirs: Record<string, string>;
  /** Size of each seeded disk image (its `size`, and its file's length where the repository has a folder). */
  get diskBytes(): number {
    return this.opts.diskBytes ?? 256 * 1024;
  }

  constructor(private readonly opts: SeedOptions = {}) {
    for (const t of OVM_TYPES) this.objects.set(t, new Map());
    this.repositoryDirs = opts.repositoryDirs ?? {};
  }

  all(type: OvmType): AnyObj[] {
    return [...this.objects.get(type)!.values()];
  }
  get<T extends AnyObj>(type: OvmType, id: string): T | undefined {
    return this.objects.get(type)!.get(id) as T | undefined;
  }
  put(obj: AnyObj): void {
    this.objects.get(obj.id.type)!.set(obj.id.value, obj);
  }
  remove(r: Ref): void {
    this.objects.get(r.type)!.delete(r.value);
  }
  name(r: Ref): string {
    return this.get(r.type, r.value)?.name ?? r.value;
  }
  manager(): ManagerObj {
    return this.all('Manager')[0] as ManagerObj;
  }
  vmByName(name: string): VmObj {
    const v = (this.all('Vm') as VmObj[]).find((x) => x.name === name);
    if (!v) throw new Error(`lab: no VM ${name}`);
    return v;
  }
  /** Sets what the repository's file system reports (bytes): a test's full or small repository. */
  setFreeSize(repository: string, freeSize: number, size?: number): void {
    const r = this.repoByName(repository);
    const f = this.get<FileSystemObj>('FileSystem', r.fileSystemId!.value)!;
    f.freeSize = freeSize;
    if (size !== undefined) f.size = size;
  }
  repoByName(name: string): RepositoryObj {
    const r = (this.all('Repository') as RepositoryObj[]).find((x) => x.name === name);
    if (!r) throw new Error(`lab: no repository ${name}`);
    return r;
  }
  jobs(): JobObj[] {
    return this.all('Job') as JobObj[];
  }

  /** The folder standing for a repository's file system, if the lab was given one. */
  repoDir(repo: Ref): string | undefined {
    return (
      this.repositoryDirs[this.name(repo)] ??
      (this.opts.repositoryRoot ? path.join(this.opts.repositoryRoot, repo.value) : undefined)
    );
  }

  /** Makes a repository's folder with VirtualMachines/ and VirtualDisks/ (mode 777: the peer's user writes there). */
  makeRepoDir(repo: Ref): void {
    const dir = this.repoDir(repo);
    if (!dir) return;
    for (const sub of ['VirtualMachines', 'VirtualDisks']) {
      fs.mkdirSync(path.join(dir, sub), { recursive: true });
      fs.chmodSync(path.join(dir, sub), 0o777);
    }
  }

  /** A disk in a repository; its image file is written when the repository has a folder. */
  addDisk(repo: RepositoryObj, name: string, size: number, content?: string, knownId?: string): VirtualDiskObj {
    const id = knownId ?? newId('VirtualDisk');
    const disk = this.putDisk(repo, id, name, size, 'VIRTUAL_DISK', `/VirtualDisks/${id}`);
    const dir = this.repoDir(repo.id);
    if (dir && content !== undefined) {
      fs.mkdirSync(path.join(dir, 'VirtualDisks'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'VirtualDisks', id), fillTo(content, size));
    }
    return disk;
  }

  /**
   * An ISO image in a repository: a VirtualDisk of diskType VIRTUAL_CDROM with id `…0015….iso` and path
   * `/ISOs/<id>` (protocols.md §2.3 id formats). No file is written (nothing reads it).
   */
  addIso(repo: RepositoryObj, name: string, size: number): VirtualDiskObj {
    const id = `0004fb0000` + `00150000${randomBytes(8).toString('hex')}.iso`;
    return this.putDisk(repo, id, name, size, 'VIRTUAL_CDROM', `/ISOs/${id}`);
  }

  private putDisk(
    repo: RepositoryObj,
    id: string,
    name: string,
    size: number,
    diskType: VirtualDiskObj['diskType'],
    diskPath: string,
  ): VirtualDiskObj {
    const disk: VirtualDiskObj = {
      ...base('VirtualDisk', id, name),
      diskType,
      size,
      onDiskSize: size,
      path: diskPath,
      shareable: diskType === 'VIRTUAL_CDROM',
      vmDiskMappingIds: [],
      repositoryId: repo.id,
    };
    this.put(disk);
    repo.virtualDiskIds.push(disk.id);
    return disk;
  }

  /** Maps a disk into a VM at slot `target`. */
  map(vm: VmObj, disk: VirtualDiskObj, target: number): VmDiskMappingObj {
    const m: VmDiskMappingObj = {
      ...base('VmDiskMapping', newId('VmDiskMapping'), `Mapping for disk Id (${disk.id.value})`),
      vmId: vm.id,
      virtualDiskId: disk.id,
      diskTarget: target,
      emulatedBlockDevice: false,
      diskWriteMode: 'READ_WRITE',
    };
    this.put(m);
    vm.vmDiskMappingIds.push(m.id);
    disk.vmDiskMappingIds.push(m.id);
    return m;
  }

  /** Writes `VirtualMachines/<id>/vm.cfg` (xm format, as on a repository) when the VM's repository has a folder. */
  writeVmCfg(vm: VmObj): void {
    const dir = vm.repositoryId && this.repoDir(vm.repositoryId);
    if (!dir) return;
    const disks = vm.vmDiskMappingIds
      .map((m) => this.get<VmDiskMappingObj>('VmDiskMapping', m.value)!)
      .map((m) => this.get<VirtualDiskObj>('VirtualDisk', m.virtualDiskId!.value)!);
    const repoMount = `/OVS/Repositories/${vm.repositoryId!.value}`;
    const mac = (i: number) =>
      `00:21:f6:${vm.id.value.slice(-4, -2)}:${vm.id.value.slice(-2)}:${String(i).padStart(2, '0')}`;
    const cfg = [
      `name = '${vm.id.value}'`,
      `OVM_simple_name = ${JSON.stringify(vm.name)}`,
      `uuid = '${vm.id.value.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5')}'`,
      `memory = ${vm.memory}`,
      `vcpus = ${vm.cpuCount}`,
      `disk = [${disks.map((d, i) => `'file:${repoMount}${d.path},xvd${String.fromCharCode(97 + i)},w'`).join(',')}]`,
      `vif = ['mac=${mac(0)},bridge=${SEED.network}']`,
      '',
    ].join('\n');
    fs.mkdirSync(path.join(dir, 'VirtualMachines', vm.id.value), { recursive: true });
    fs.writeFileSync(path.join(dir, 'VirtualMachines', vm.id.value, 'vm.cfg'), cfg);
  }

  /** Removes a clone customizer and its storage mappings (DELETE /Vm/{id}/VmCloneDefinition/{id}). */
  removeCloneDefinition(vm: VmObj, def: VmCloneDefinitionObj): void {
    for (const m of def.vmCloneStorageMappingIds) this.remove(m);
    vm.vmCloneDefinitionIds = vm.vmCloneDefinitionIds.filter((r) => r.value !== def.id.value);
    this.remove(def.id);
  }

  /**
   * Removes a VM with its mappings, its clone customizers (*assumed*: they are the VM's children) and (its own,
   * unshared) disks and files: the lab's rollback and DELETE /Vm.
   */
  removeVm(vm: VmObj, withDisks: boolean): void {
    for (const d of [...vm.vmCloneDefinitionIds]) {
      const def = this.get<VmCloneDefinitionObj>('VmCloneDefinition', d.value);
      if (def) this.removeCloneDefinition(vm, def);
    }
    for (const mRef of vm.vmDiskMappingIds) {
      const m = this.get<VmDiskMappingObj>('VmDiskMapping', mRef.value);
      const disk = m?.virtualDiskId ? this.get<VirtualDiskObj>('VirtualDisk', m.virtualDiskId.value) : undefined;
      if (disk) disk.vmDiskMappingIds = disk.vmDiskMappingIds.filter((r) => r.value !== mRef.value);
      if (disk && withDisks) this.removeDisk(disk);
      this.remove(mRef);
    }
    if (vm.repositoryId) {
      const repo = this.get<RepositoryObj>('Repository', vm.repositoryId.value);
      if (repo) repo.vmIds = repo.vmIds.filter((r) => r.value !== vm.id.value);
      const dir = this.repoDir(vm.repositoryId);
      if (dir) fs.rmSync(path.join(dir, 'VirtualMachines', vm.id.value), { recursive: true, force: true });
    }
    for (const p of this.all('ServerPool') as ServerPoolObj[]) {
      p.vmIds = p.vmIds.filter((r) => r.value !== vm.id.value);
      p.unassignedVmIds = p.unassignedVmIds.filter((r) => r.value !== vm.id.value);
    }
    for (const s of this.all('Server') as ServerObj[]) s.vmIds = s.vmIds.filter((r) => r.value !== vm.id.value);
    this.remove(vm.id);
  }

  removeDisk(disk: VirtualDiskObj | undefined): void {
    if (!disk) return;
    const repo = this.get<RepositoryObj>('Repository', disk.repositoryId.value);
    if (repo) repo.virtualDiskIds = repo.virtualDiskIds.filter((r) => r.value !== disk.id.value);
    const dir = this.repoDir(disk.repositoryId);
    if (dir) fs.rmSync(path.join(dir, 'VirtualDisks', disk.id.value), { force: true });
    this.remove(disk.id);
  }
}

function fillTo(text: string, bytes: number): Buffer {
  const b = Buffer.alloc(bytes);
  const seed = Buffer.from(text + '\n');
  for (let i = 0; i < bytes; i += seed.length) seed.copy(b, i);
  return b;
}

/** Names of the seeded objects, for tests. One VM name is hostile on purpose (quotes, `$()`, a newline). */
export const SEED = {
  pool: 'pool1',
  servers: ['ovs1', 'ovs2'],
  repository: 'repo1',
  backupRepository: 'backup-repo',
  running: 'web01',
  stopped: 'db01',
  hostile: `evil'; $(touch /tmp/pwned)\nvm`,
  /** An ISO in repo1, mapped into no VM. */
  iso: 'OracleLinux-R7-U9-x86_64.iso',
  /** The network id the seeded VMs' vif lines name as their bridge, and its name (a Network object of the lab). */
  network: '0a00fe00',
  networkName: 'VM Network',
  /** A second network, a restore's alternative target. */
  otherNetwork: { id: '0a00ff00', name: 'Backup Net' },
} as const;

/**
 * One server pool with two servers (ovs2 in maintenance), an OCFS2 repository presented to both with the VMs, and an
 * NFS backup repository: web01 RUNNING on ovs1 (2 disks), db01 STOPPED (1 disk), a STOPPED VM with a hostile name,
 * and an ISO in repo1.
 */
export function seed(store: OvmStore, opts: { managerUuid?: string } = {}): void {
  const managerUuid = opts.managerUuid ?? '0004fb00000100002cb7f2dffa8d8a11';
  store.put({
    ...base('Manager', managerUuid, 'OVM Manager'),
    managerRunState: 'RUNNING',
    managerUuid,
    managerVersion: '3.4.6.2105',
  } as ManagerObj);
  const pool: ServerPoolObj = {
    ...base('ServerPool', newId('ServerPool'), SEED.pool),
    serverIds: [],
    masterServerId: null,
    vmIds: [],
    unassignedVmIds: [],
    virtualIp: null,
    vmStartPolicy: 'BEST_SERVER',
  };
  store.put(pool);
  for (const [id, name] of [
    [SEED.network, SEED.networkName],
    [SEED.otherNetwork.id, SEED.otherNetwork.name],
  ])
    store.put({ ...base('Network', id, name), roles: ['VIRTUAL_MACHINE'] } as NetworkObj);
  const servers = SEED.servers.map((name, i) => {
    const s: ServerObj = {
      ...base('Server', newId('Server'), name),
      serverRunState: 'RUNNING',
      ipAddress: `192.0.2.${11 + i}`,
      hostname: `${name}.example`,
      serverRoles: ['UTILITY', 'VM'],
      maintenanceMode: i === 1,
      memory: 65536,
      usableMemory: 60000,
      ovmVersion: '3.4.6-2105',
      serverPoolId: pool.id,
      repositoryIds: [],
      vmIds: [],
      manufacturer: 'Oracle Corporation',
      productName: 'SUN SERVER X4-2',
    };
    store.put(s);
    pool.serverIds.push(s.id);
    return s;
  });
  pool.masterServerId = servers[0].id;
  const repo = (name: string, type: 'OCFS2' | 'NFS'): RepositoryObj => {
    const r: RepositoryObj = {
      ...base('Repository', newId('Repository'), name),
      virtualDiskIds: [],
      vmIds: [],
      assemblyIds: [],
      presentedServerIds: servers.map((s) => s.id),
      fileSystemId: null,
      managerUuid,
      refreshed: true,
      sharePath: type === 'NFS' ? '/export/backup' : null,
      fileSystemType: type,
    };
    const size = (type === 'OCFS2' ? 500 : 2048) * 2 ** 30;
    const fs: FileSystemObj = {
      ...base('FileSystem', newId('FileSystem'), ''),
      path: type === 'NFS' ? `nfs.example:/export/${name}` : `/dev/mapper/OVM_SYS_REPO_PART_${name}`,
      size,
      freeSize: size * 0.8,
      refreshed: true,
      shared: type === 'NFS',
      repositoryIds: [r.id],
      fileServerIds: [],
    };
    r.fileSystemId = fs.id;
    store.put(fs);
    store.put(r);
    store.makeRepoDir(r.id);
    for (const s of servers) s.repositoryIds.push(r.id);
    return r;
  };
  const repo1 = repo(SEED.repository, 'OCFS2');
  repo(SEED.backupRepository, 'NFS');
  const vm = (name: string, state: 'RUNNING' | 'STOPPED', disks: number): VmObj => {
    const v: VmObj = {
      ...base('Vm', newId('Vm'), name),
      vmRunState: state,
      vmDomainType: 'XEN_HVM_PV_DRIVERS',
      memory: 2048,
      memoryLimit: 2048,
      cpuCount: 2,
      cpuCountLimit: 2,
      osType: 'Oracle Linux 7',
      repositoryId: repo1.id,
      serverPoolId: pool.id,
      serverId: state === 'RUNNING' ? servers[0].id : null,
      vmDiskMappingIds: [],
      virtualNicIds: [],
      highAvailability: false,
      origin: null,
      vmCloneDefinitionIds: [],
    };
    store.put(v);
    pool.vmIds.push(v.id);
    repo1.vmIds.push(v.id);
    if (state === 'RUNNING') servers[0].vmIds.push(v.id);
    for (let i = 0; i < disks; i++)
      store.map(v, store.addDisk(repo1, `${name}_disk${i}.img`, store.diskBytes, `${name} disk ${i}`), i);
    store.writeVmCfg(v);
    return v;
  };
  vm(SEED.running, 'RUNNING', 2);
  vm(SEED.stopped, 'STOPPED', 1);
  vm(SEED.hostile, 'STOPPED', 1);
  store.addIso(repo1, SEED.iso, 4 * 1024 * 1024);
}

export { ref };
