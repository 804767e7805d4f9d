#!/usr/bin/env node
// vcbMounter stub (guide: 仮想マシンのバックアップ P.60, 仮想マシンの指定 P.61, バックアップ先の指定 P.63, 表 2-1 policies).
// -t fullvm: backup snapshot `_VCB_BACKUP_` in vSphere → the VM's .vmx and disks read from its datastore (/folder
// HTTP, govmomi) into <dest>/ as split .vmdk + catalog → snapshot removed. -t file: the volumes under
// <dest>/letters/<C,D…>/ read-only (assumed layout, platform-facts §4d), until `vcbMounter -U <dest>` (assumed option).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const L = require('./lib');

/** Extent size of the split .vmdk (real: 2 GB extents; the lab takes VCB_LAB_EXTENT_BYTES so tests stay small). */
const EXTENT = Number(process.env.VCB_LAB_EXTENT_BYTES || 2 * 1024 * 1024 * 1024);

L.main(() => {
  const o = L.parseArgs(process.argv.slice(2), ['h', 'u', 'p', 'a', 'r', 't', 'm', 'L', 'M', 'F', 'c', 'U']);
  const conf = L.readConf();
  if (o.U !== undefined) return unmount(o, conf, o.U);
  if (!o.a) throw new L.ToolError('no virtual machine identifier: use -a <searchspec>');
  if (!o.r) throw new L.ToolError('no backup destination: use -r <dir>');
  const type = o.t ?? 'fullvm';
  if (!['fullvm', 'file'].includes(type)) throw new L.ToolError(`invalid backup type ${JSON.stringify(type)}`);
  if (o.m && !['cos', 'nbd', 'nbdssl', 'san', 'hotadd'].includes(o.m))
    throw new L.ToolError(`invalid transport mode ${JSON.stringify(o.m)}`);
  L.login(o, conf);
  const vm = L.oneVm(o.a);
  const scp = /^scp:\/\/([^@/]+@)?([^:/]+):(.*)$/.exec(o.r);
  const dest = scp ? path.join(conf.TEMPDIR || os.tmpdir(), `vcb-${process.pid}-${Date.now()}`) : o.r;
  if (!scp) checkDestination(dest, vm, conf);
  takeSnapshot(vm, conf);
  const job = L.recordJob({ moref: vm.moref, dest, type, snapshotPolicy: conf.SNAPSHOT_POLICY || 'automatic' });
  if (type === 'file') {
    mountFiles(vm, dest);
    console.log(`Mounted ${vm.name} at ${dest}`); // assumed wording
    return 0; // the snapshot stays until -U (the mount's lifetime)
  }
  exportFullVm(vm, dest);
  if (scp) {
    // P.63 リモートサーバへのバックアップ: scp plugin, key-based (no password prompt); the parent must exist remotely.
    const target = `${scp[1] ?? ''}${scp[2]}:${scp[3]}`;
    const r = require('node:child_process').spawnSync('scp', ['-r', '-B', '-q', dest, target], { stdio: 'inherit' });
    fs.rmSync(dest, { recursive: true, force: true });
    if (r.status !== 0) throw new L.ToolError(`scp to ${o.r} failed (${r.status})`);
  }
  dropSnapshot(vm, conf);
  fs.rmSync(job, { force: true });
  return 0;
});

/**
 * P.63: the destination's parent must exist, the destination itself is created. An existing destination is a
 * pre-existing mount point: PREEXISTING_MOUNTPOINT fail (default) fails the job, delete removes it with its backup
 * snapshot and goes on (表 2-1).
 */
function checkDestination(dest, vm, conf) {
  if (!fs.existsSync(path.dirname(path.resolve(dest))))
    throw new L.ToolError(`destination parent directory ${path.dirname(path.resolve(dest))} does not exist`);
  if (!fs.existsSync(dest)) return;
  if ((conf.PREEXISTING_MOUNTPOINT || 'fail') !== 'delete')
    throw new L.ToolError(`mount point ${dest} already exists (PREEXISTING_MOUNTPOINT=fail)`);
  L.logLine('info', `deleting pre-existing mount point ${dest} (PREEXISTING_MOUNTPOINT=delete)`);
  fs.chmodSync(dest, 0o755);
  for (const f of walk(dest)) fs.chmodSync(f, 0o755);
  fs.rmSync(dest, { recursive: true, force: true });
  L.vim('snap-remove', vm.moref, L.SNAPSHOT);
  // The snapshot went with the mount point: the job goes on (表 2-1), not stopped by PREEXISTING_VCB_SNAPSHOT.
  vm.snapshots = vm.snapshots.filter((n) => n !== L.SNAPSHOT);
}

function walk(d) {
  const out = [];
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) out.push(p, ...walk(p));
  }
  return out;
}

/**
 * SNAPSHOT_POLICY (表 2-1): automatic and createonly create `_VCB_BACKUP_` (an existing one is handled by
 * PREEXISTING_VCB_SNAPSHOT fail|delete); manual and deleteonly use an existing one and never create it. Creation is
 * retried MAX_RETRIES times BACKOFF_TIME apart.
 */
function takeSnapshot(vm, conf) {
  const policy = conf.SNAPSHOT_POLICY || 'automatic';
  const exists = vm.snapshots.includes(L.SNAPSHOT);
  if (policy === 'manual' || policy === 'deleteonly') {
    if (!exists) throw new L.ToolError(`no ${L.SNAPSHOT} snapshot on ${vm.name} (SNAPSHOT_POLICY=${policy})`);
    return;
  }
  if (exists) {
    if ((conf.PREEXISTING_VCB_SNAPSHOT || 'fail') !== 'delete')
      throw new L.ToolError(`${vm.name} already has a ${L.SNAPSHOT} snapshot (PREEXISTING_VCB_SNAPSHOT=fail)`);
    L.vim('snap-remove', vm.moref, L.SNAPSHOT);
  }
  const busy = process.env.VCB_LAB_BUSY_FILE; // lab fault: each line in this file fails one snapshot attempt
  L.withRetries(conf, 'snapshot', () => {
    if (busy && fs.existsSync(busy)) {
      const lines = fs.readFileSync(busy, 'utf8').split('\n').filter(Boolean);
      if (lines.length) {
        fs.writeFileSync(busy, lines.slice(1).join('\n'));
        throw new L.ToolError('resource busy');
      }
    }
    L.vim('snap-create', vm.moref, L.SNAPSHOT, 'VCB backup snapshot');
  });
}

/** automatic and deleteonly remove the snapshot after the backup; manual and createonly leave it (表 2-1). */
function dropSnapshot(vm, conf) {
  const policy = conf.SNAPSHOT_POLICY || 'automatic';
  if (policy === 'automatic' || policy === 'deleteonly') L.vim('snap-remove', vm.moref, L.SNAPSHOT);
}

/** The export directory: .vmx, each disk as a descriptor plus extents, then `catalog` (written last: assumed). */
function exportFullVm(vm, dest) {
  fs.mkdirSync(dest);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vcb-lab-'));
  try {
    const vmx = L.dsPath(vm.vmx);
    L.vim('get', vm.datacenter, vm.vmx, path.join(dest, path.basename(vmx.path)));
    const catalog = [
      ['displayName', vm.name], // assumed key (the guide: 表示名 is in the catalog)
      ['uuid', vm.uuid], // assumed key
      ['powerState', vm.powerState], // assumed key (the guide: power state at backup)
      ['config.vmx', vm.vmx],
      ['config.suspenddir', `[${vmx.ds}] ${path.dirname(vmx.path)}`],
      ['config.logdir', `[${vmx.ds}] ${path.dirname(vmx.path)}`],
    ];
    for (const d of vm.disks) {
      const local = path.join(tmp, 'disk');
      L.vim('get', vm.datacenter, d.file, local);
      // scsi0:0 + disk1.vmdk → scsi0-0-0-disk1 (assumed naming)
      writeSplit(local, dest, `${d.device.replace(':', '-')}-0-${path.basename(L.dsPath(d.file).path, '.vmdk')}`);
      fs.rmSync(local);
      catalog.push([`disk.${d.device}.diskname`, d.file]);
    }
    catalog.push(['folderpath', vm.folder], ['resourcepool', vm.pool], ['host', vm.host]); // folderpath: assumed key
    L.writeCatalog(path.join(dest, 'catalog'), catalog);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** <base>.vmdk (a text descriptor, createType twoGbMaxExtentFlat) and <base>-s001.vmdk… of at most EXTENT bytes. */
function writeSplit(src, dest, base) {
  const size = fs.statSync(src).size;
  const fd = fs.openSync(src, 'r');
  const extents = [];
  const buf = Buffer.alloc(1 << 20);
  let pos = 0;
  let n = 0;
  do {
    n++;
    const name = `${base}-s${String(n).padStart(3, '0')}.vmdk`;
    const out = fs.openSync(path.join(dest, name), 'w');
    const end = Math.min(size, pos + EXTENT);
    const start = pos;
    while (pos < end) {
      const k = fs.readSync(fd, buf, 0, Math.min(buf.length, end - pos), pos);
      fs.writeSync(out, buf, 0, k);
      pos += k;
      L.pace(k);
    }
    fs.closeSync(out);
    extents.push({ name, bytes: pos - start });
  } while (pos < size);
  fs.closeSync(fd);
  const descriptor = [
    '# Disk DescriptorFile',
    'version=1',
    'CID=fffffffe',
    'parentCID=ffffffff',
    'createType="twoGbMaxExtentFlat"',
    '',
    '# Extent description',
    // The byte count after the name is the lab's (assumed): real descriptors count 512-byte sectors only.
    ...extents.map((e) => `RW ${Math.ceil(e.bytes / 512)} FLAT "${e.name}" 0 # bytes=${e.bytes}`),
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dest, `${base}.vmdk`), descriptor);
}

/**
 * -t file (assumed layout, platform-facts §4d `<dir>\letters\C`): each disk's volume under <dest>/letters/<C,D…>/,
 * read-only. The lab's guest volumes are tar archives in the disk files (a lab convention: vcsim disks hold no
 * file system); a disk that is not a tar mounts as an empty volume.
 */
function mountFiles(vm, dest) {
  fs.mkdirSync(path.join(dest, 'letters'), { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vcb-lab-'));
  try {
    vm.disks.forEach((d, i) => {
      const letter = String.fromCharCode(0x43 + i);
      const vol = path.join(dest, 'letters', letter);
      fs.mkdirSync(vol);
      const local = path.join(tmp, `d${i}`);
      L.vim('get', vm.datacenter, d.file, local);
      require('node:child_process').spawnSync('tar', ['-xf', local, '-C', vol, '--no-same-owner'], { stdio: 'ignore' });
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  for (const d of [...walk(dest)].reverse()) {
    for (const f of fs.readdirSync(d)) {
      const p = path.join(d, f);
      if (fs.lstatSync(p).isFile()) fs.chmodSync(p, 0o444);
    }
    fs.chmodSync(d, 0o555);
  }
  fs.chmodSync(dest, 0o555);
}

/** -U <mountpoint> (assumed option): removes the mount and its backup snapshot, as the post-backup step does. */
function unmount(o, conf, dest) {
  const job = L.jobRecords().find((j) => j.dest === dest && j.type === 'file');
  if (!job) throw new L.ToolError(`${dest} is not a mounted virtual machine`);
  L.login(o, conf);
  if (fs.existsSync(dest)) {
    fs.chmodSync(dest, 0o755);
    for (const d of walk(dest)) fs.chmodSync(d, 0o755);
    fs.rmSync(dest, { recursive: true, force: true });
  }
  if (job.snapshotPolicy === 'automatic' || job.snapshotPolicy === 'deleteonly')
    L.vim('snap-remove', job.moref, L.SNAPSHOT);
  fs.rmSync(job.file, { force: true });
  console.log(`Unmounted ${dest}`); // assumed wording
  return 0;
}
