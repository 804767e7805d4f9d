// vmbackup: the provider layer from a shell. `vmbackup help` lists the verbs.
import { parseArgs } from './cli/args';
import { verbs } from './cli/commands';
import { mask } from './core/secrets';
import { printable, printableJson, printableLines } from './cli/printable';

const HELP = `vmbackup <verb> [args] [--connection NAME] [--workspace DIR] [--repository DIR] [--json]
  lab [--port N] [--hosts N] [--vms N]   start the XAPI lab simulator (and vcsim's vCenter once built) and write .vmbackup/connections.yaml
  ls                                     the inventory: pools, hosts (vSphere: datacenters, clusters, hosts, resource pools) and VMs
  snapshot <vm> [--name N] [--memory] [--quiesce]
                                         snapshot a VM (name or uuid); --memory: a running VM's memory, --quiesce:
                                         through the guest tools (vSphere), each only where it applies
  revert <vm> <snapshot>                 revert a VM to one of its snapshots
  snapshot-delete <vm> <snapshot> [--children]
                                         delete a snapshot (its children stay unless --children, vSphere)
  snapshot-delete-all <vm>               delete every snapshot of a VM (vSphere)
  snapshot-rename <vm> <snapshot> --name N
                                         rename a snapshot (vSphere)
  consolidate <vm>                       consolidate a VM's disks (vSphere, when it needs it)
  backup <vm>... [--compress[=zstd]]     full backups (a running VM goes through a temporary snapshot; vSphere: always), concurrencyPerHost at once;
                                         a suspended VM keeps its memory unless --no-preserve-power-state;
                                         exit 3: backed up, but something is left for cleanup (named);
                                         --format ovf (vSphere): an OVF export (.ovf + disks) instead of the VM's files
  cleanup [--dry-run]                    delete what the repository's journal names and the pool confirms
                                         (temporary snapshots, their disks, unfinished files); --dry-run lists it
  restore <backup-id> [--name N] [--sr REF] [--preserve-macs]
                                         restore as a new VM (new MAC addresses unless --preserve-macs);
                                         --sr: Xen SR ref, vSphere datastore moref or name;
                                         an OVF backup comes back by OVF import (--format ovf to insist)
  restore <backup-id> --replace-original --yes
                                         replace the halted original VM (XAPI full restore: its uuid and MACs)
  backup <vm>... [--method M] [--stop] [--clone-repository R] [--confirm-hot-clone]
                                         Oracle VM (guide §12.2, its trade-off printed first): M = cold-clone (default:
                                         clone into R, copy the clone's files over SFTP, delete the clone) or copy-stopped
                                         (the stopped VM's own files); --stop stops a running VM first; hot-clone and
                                         ova-export are described but not run
  restore <backup-id> --sr REPO [--pool POOL] [--name N] [--networks OLD=NEW,...] [--preserve-macs]
                                         Oracle VM: files into repository REPO over SFTP, the Manager's refresh imports
                                         them, then the VM goes into POOL (default the backed-up VM's)
  backup-pool                            save the pool database (Xen: pool-dump-database)
  catalog                                list backups in the repository
  verify <backup-id>                     re-hash against the manifest; check an XVA's tar, chunk checksums, gzip/zstd end
  validate <file>... [--language ID] [--encoding ENC]
                                         check VCB config.js, backuptools.conf, catalog, OVM .config, sysconfig/ovmm (exit 1 on errors)
VMware Consolidated Backup (a VMware connection's vcbHosts, over SSH; --vcb-host HOST picks one):
  vcb-find [spec]                        vcbVmName -s (any:, name:, ipaddr:, uuid:, moref:, powerstate:on|off|suspended)
  vcb-backup <vm> [--to DIR|scp://u@h:/p] vcbMounter -t fullvm; without --to: into the repository (sha256, manifest)
  vcb-restore <dir> [--catalog FILE] [-b prompt|overwrite|keep|abort]
                                         vcbRestore -s; --catalog: an edited local catalog, validated and passed as -a
  vcb-snapall <spec> --to NEWDIR         vcbSnapAll, one line per VM
  vcb-resall <dir> [-b MODE]             vcbResAll
  vcb-cleanup [--dry-run]                vcbCleanup -y, then VCB's _VCB_BACKUP_ snapshots in vSphere
Passwords: VMBACKUP_PASSWORD_<CONNECTION> or VMBACKUP_PASSWORD, else a prompt.
Oracle VM Servers' and VCB hosts' SSH (no sshKeyFile / privateKeyFile): VMBACKUP_SSH_PASSWORD_<CONNECTION> or VMBACKUP_SSH_PASSWORD.`;

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const verb = args.positional.shift();
  if (!verb || verb === 'help' || args.flags.help) {
    process.stdout.write(HELP + '\n');
    return verb ? 0 : 2;
  }
  const fn = verbs[verb];
  if (!fn) {
    process.stderr.write(`unknown verb "${printable(verb)}"\n${HELP}\n`);
    return 2;
  }
  return fn(args, (data, text) =>
    process.stdout.write((args.flags.json ? printableJson(data) : printableLines(text)) + '\n'),
  );
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined && code !== -1) process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`vmbackup: ${printable(mask((err as Error).message ?? String(err)))}\n`);
    process.exitCode = 1;
  },
);
