// `vmbackup help`: every verb and every flag (test/unit/cli/help.test.ts holds it to args.ts and commands.ts).

/** The help text. */
export const HELP = `vmbackup <verb> [args] [flags]

Flags of every verb that talks to a connection:
  --connection NAME    the connection in .vmbackup/connections.yaml (default: the first)
  --workspace DIR      the folder holding .vmbackup/ (default: the current folder)
  --repository DIR     the backup repository (default: the connection's repository:, else ./backups)
  --json               machine-readable output on stdout (no progress)

Verbs:
  help                                   this text (also --help)
  lab [--port N] [--hosts N] [--vms N] [--disk-mib N] [--dense] [--no-vcb] [--no-ovm] [--json]
                                         start the XAPI lab simulator (N hosts × N VMs, disks of N MiB, --dense: no
                                         zero chunks), and vcsim's vCenter once built, and add them to .vmbackup/connections.yaml
                                         (removed on Ctrl-C), with the vCenter's VCB host and an Oracle VM Manager (connection
                                         "ovm"; both need openssh-server, as root; --no-vcb, --no-ovm leave them out);
                                         --json: the URLs, or why one is missing
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
  backup <vm>... [--compress[=zstd]] [--no-preserve-power-state] [--format ovf]
                                         full backups (a running VM goes through a temporary snapshot; vSphere: always), concurrencyPerHost at once;
                                         a suspended VM keeps its memory unless --no-preserve-power-state;
                                         exit 3: backed up, but something is left for cleanup (named);
                                         --format ovf (vSphere): an OVF export (.ovf + disks) instead of the VM's files
  cleanup [--dry-run]                    delete what the repository's journal names and the pool confirms
                                         (temporary snapshots, their disks, unfinished files); --dry-run lists it;
                                         vSphere VMs that need consolidation are listed (offered: consolidate <vm>);
                                         a VMware connection's VCB hosts: staging folders of killed vcb-* jobs
  storage [--to CONN] [--backup ID]      what restore --storage accepts (SRs, datastores, repositories): type, host of a
                                         local one, free space, the default; with --backup: whether the backup fits
  networks [--to CONN] [--backup ID] [--network NIC=NET]...
                                         the networks --network accepts; with --backup: each NIC (VIF) of the backup and
                                         the network it would be on
  restore <backup-id> [--to CONN] [--storage S] [--host H | --cluster C | --server-pool P] [--resource-pool RP]
          [--folder F] [--network NIC=NET]... [--name N] [--power-on] [--preserve-macs] [--format ovf]
                                         restore as a new VM named "<VM> (<backup date>)" unless --name, aimed the same
                                         way on every platform (ids or names; a flag the platform does not have is refused):
                                         --storage: the SR / datastore / repository (aliases --sr, --datastore; default: the
                                         pool's default SR, the datastore the VM came from; Oracle VM: required);
                                         --host / --cluster (vSphere), --server-pool (Oracle VM, alias --pool): where the VM
                                         goes (default: where it was); --resource-pool, --folder (vSphere);
                                         --network 0=lan / ethernet0="VM Network": that NIC (Xen VIF device, vSphere
                                         ethernetN, Oracle VM vif index) on that network, or OLD=NEW for every NIC that
                                         was on network OLD (alias --networks OLD=NEW,...); the others go to the network of
                                         the same name, and a restore whose network is missing is refused before anything
                                         is uploaded; --to: restore to another connection of the platform (pool);
                                         --power-on (alias --start): start the VM afterwards; new MAC addresses unless
                                         --preserve-macs (alias --keep-macs); an OVF backup comes back by OVF import
  restore <backup-id> --replace-original --yes
                                         Xen: replace the halted original VM (XAPI full restore: its uuid and MACs)
  backup <vm>... [--method M] [--stop] [--clone-repository R] [--confirm-hot-clone]
                                         Oracle VM (guide §12.2, its trade-off printed first): M = cold-clone (default:
                                         clone into R, copy the clone's files over SFTP, delete the clone) or copy-stopped
                                         (the stopped VM's own files); --stop stops a running VM first; hot-clone (the
                                         running VM, OCFS2 only) needs --confirm-hot-clone; ova-export is not offered
  backup-pool                            save the pool database (Xen: pool-dump-database)
  catalog                                list backups in the repository
  verify <backup-id>                     re-hash against the manifest; check an XVA's tar, chunk checksums, gzip/zstd end
  manager-backups                        Oracle VM: the Manager's MySQL backups in DBBACKUP, their age, the rotation rules
  manager-backup [--run-backup] [--db NAME[,NAME]] [--latest] [--weblogic-ldap]
                                         Oracle VM: .config (+ sysconfig) into the repository, with database backups
                                         (--run-backup: BackupDatabase -w first, followed as its Manager job)
  manager-restore <backup> [--resume | --abandon] [--yes] [--skip-version-checks]
                                         Oracle VM: the §12.1.4 restore runbook (stop, RestoreDatabase.sh, start,
                                         RUNNING, inventory); asks before destructive steps on a terminal, else --yes;
                                         one run per Manager: --resume goes on, --abandon gives it up to start over
  manager-rebuild (--uuid U | --from <manager-backup-id>) [--resume]
                                         Oracle VM: the §12.1.5 runbook without a database backup (on a terminal)
VMware Consolidated Backup (a VMware connection's vcbHosts, over SSH; --vcb-host HOST picks one):
  vcb-find [spec]                        vcbVmName -s (any:, name:, ipaddr:, uuid:, moref:, powerstate:on|off|suspended)
  vcb-backup <vm> [--to DIR|scp://u@h:/p] vcbMounter -t fullvm; without --to: into the repository (sha256, manifest)
  vcb-restore <dir> [--catalog FILE] [-b prompt|overwrite|keep|abort]
                                         vcbRestore -s; --catalog: an edited local catalog, validated and passed as -a
  vcb-restore --from-repository <backup-id> [--catalog FILE] [-b MODE]
                                         a VCB backup of the repository uploaded to a staging folder on the VCB host
                                         (sha256 checked there), vcbRestore -s, the staging folder removed
  vcb-snapall <spec> --to NEWDIR         vcbSnapAll, one line per VM
  vcb-resall <dir> [-b MODE]             vcbResAll
  vcb-cleanup [--dry-run]                vcbCleanup -y, VCB's _VCB_BACKUP_ snapshots in vSphere, then staging folders
                                         killed vcb-* jobs left on the VCB host (journal-named, host-confirmed)
  validate <file>... [--language ID] [--encoding ENC]
                                         check VCB config.js, backuptools.conf, catalog, OVM .config, sysconfig/ovmm (exit 1 on errors)
Passwords: VMBACKUP_PASSWORD_<CONNECTION> or VMBACKUP_PASSWORD, else a prompt.
SSH to the Oracle VM Manager host (connections.yaml managerHost): privateKeyFile, or VMBACKUP_SSH_PASSWORD_<CONNECTION>.
Oracle VM Servers' SSH (no sshKeyFile): VMBACKUP_SSH_PASSWORD_<CONNECTION> or VMBACKUP_SSH_PASSWORD.`;
