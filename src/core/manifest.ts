// manifest.json: what a backup directory holds, written by us, read back by the catalog.

/** `ovm-manager`: an Oracle VM Manager's .config, chosen MySQL backups and WebLogic LDAP data (guide §12.1). */
export type BackupKind = 'vm' | 'vm-metadata' | 'pool-metadata' | 'host' | 'ovm-manager';

export interface ManifestFile {
  name: string;
  bytes: number;
  sha256: string;
}
export interface Manifest {
  format: 'vmbackup-manifest/1';
  kind: BackupKind;
  platform: string;
  created: string;
  tool: { name: string; version: string };
  source: {
    connection: string;
    pool?: { id: string; name: string };
    host?: { id: string; name: string };
    vm?: {
      uuid: string;
      name: string;
      powerState?: string;
      /** MAC address, network name (name_label) and bridge per VIF device, as backed up. */
      macs?: { device: string; mac: string; network?: string; bridge?: string }[];
      /** The platform's own id of the VM (vSphere: its moref). */ id?: string;
    };
  };
  /** The export kept a Suspended VM's memory (XAPI preserve_power_state): it comes back Suspended. */
  preservePowerState?: boolean;
  viaSnapshot?: boolean;
  /** An `ovm-manager` backup: the Manager's UUID and build (from .config), the MySQL backups and LDAP data copied. */
  ovmManager?: { uuid?: string; buildId?: string; databaseBackups: string[]; weblogicLdap: boolean };
  /** Names may hold `/` (a copied directory tree): always relative to the backup folder. */
  files: ManifestFile[];
}

export const MANIFEST = 'manifest.json';
export const TOOL = { name: 'vm-backup-explorer', version: '0.1.0' };

export function isManifest(x: unknown): x is Manifest {
  const m = x as Manifest;
  return !!m && m.format === 'vmbackup-manifest/1' && Array.isArray(m.files) && typeof m.kind === 'string';
}
