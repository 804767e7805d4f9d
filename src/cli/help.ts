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
  lab [--port N] [--hosts N] [--vms N] [--disk-mib N] [--dense]
                                         start the XAPI lab simulator (N hosts × N VMs, disks of N MiB, --dense: no
                                         zero chunks), and vcsim's vCenter once built, and write .vmbackup/connections.yaml
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
                                         (temporary snapshots, their disks, unfinished files); --dry-run lists it
  storage [--to CONN] [--backup ID]      the SRs (datastores) --sr accepts: type, host of a local SR, free space, pool default;
                                         with --backup: whether the backup fits
  networks [--to CONN] [--backup ID] [--network VIF=NET]...
                                         the networks --network accepts; with --backup: each VIF of the backup and its network
  restore <backup-id> [--name N] [--sr SR] [--network VIF=NET]... [--to CONN] [--start] [--preserve-macs]
                                         restore as a new VM named "<VM> (<backup date>)" unless --name;
                                         --sr: SR name, uuid or ref (default: the pool's default SR; vSphere: datastore moref or name);
                                         --network 0=lan: VIF device 0 on network "lan" (name or uuid); the others go to the
                                         network of the same name, and a restore whose network is missing is refused before
                                         anything is uploaded; --to: restore to another connection (pool);
                                         --start: start the VM afterwards; new MAC addresses unless --preserve-macs;
                                         an OVF backup comes back by OVF import (--format ovf to insist)
  restore <backup-id> --replace-original --yes
                                         replace the halted original VM (XAPI full restore: its uuid and MACs)
  backup-pool                            save the pool database (Xen: pool-dump-database)
  catalog                                list backups in the repository
  verify <backup-id>                     re-hash against the manifest; check an XVA's tar, chunk checksums, gzip/zstd end
  validate <file>... [--language ID] [--encoding ENC]
                                         check VCB config.js, backuptools.conf, catalog, OVM .config, sysconfig/ovmm (exit 1 on errors)
Passwords: VMBACKUP_PASSWORD_<CONNECTION> or VMBACKUP_PASSWORD, else a prompt.`;
