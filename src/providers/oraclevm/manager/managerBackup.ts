// The Manager's own backup into the product's repository (§12.1): .config (§12.1.1), /etc/sysconfig/ovmm, the chosen
// MySQL backup directories (§12.1.2) and, where the guide asks for it, the WebLogic LDAP data (§12.1.6).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JobContext } from '../../../core/job';
import { Journal } from '../../../core/journal';
import { Manifest, ManifestFile, TOOL } from '../../../core/manifest';
import { BackupRepository, CatalogEntry } from '../../../core/repository';
import { removeIfUnfinished } from '../../../core/unfinishedBackup';
import { parse } from '../../../formats/parse';
import { SshSession } from '../../../transport/ssh';
import { listDbBackups, readRemoteText } from './dbBackups';
import { requireDbBackupName } from './dbBackupName';
import { ManagerLayout } from './managerHost';
import { copyRemoteTree } from './remoteTree';

export interface ManagerBackupOptions {
  repository: string;
  /** The connection's name (manifest, journal, folder). */
  connection: string;
  /** Names of DBBACKUP directories to copy (each checked against the listing first). */
  databaseBackups?: string[];
  /** Copy the WebLogic LDAP directory too (§12.1.6: needed when users were created in WebLogic itself). */
  weblogicLdap?: boolean;
  /** Per-file idle limit, ms. */
  idleMs?: number;
}

/** `.config` read as the product's validator reads it (§12.1.1 keys): its UUID and BUILDID. */
export function configIdentity(text: string): { uuid?: string; buildId?: string } {
  const values = new Map(parse('ovm-config', text).entries.map((e) => [e.key, e.value.trim()]));
  return { uuid: values.get('UUID'), buildId: values.get('BUILDID') };
}

/**
 * Backs the Manager up into a fresh folder `<repository>/<connection>-manager/<stamp>-ovm-manager/`: `config/.config`,
 * `config/ovmm` (when readable), `dbbackup/<name>/…` per chosen MySQL backup, `weblogic-ldap/…`; manifest.json last.
 * Journalled like every backup: the folder before its mkdir, every file (and folder) before it is written, so Clean Up
 * removes exactly what a killed run left (core/jobFolder.ts); a failure or cancel removes the folder itself.
 * @throws Error naming the host when .config cannot be read or a chosen backup is not in DBBACKUP.
 */
export async function backupManager(
  ssh: SshSession,
  layout: ManagerLayout,
  opts: ManagerBackupOptions,
  ctx: JobContext,
): Promise<CatalogEntry> {
  const chosen = (opts.databaseBackups ?? []).map((n) => requireDbBackupName(n).name);
  const listing = chosen.length ? await listDbBackups(ssh, layout, ctx.signal) : undefined;
  for (const n of chosen)
    if (!listing!.backups.some((b) => b.name === n))
      throw new Error(`${ssh.where}: no database backup ${n} in ${listing!.settings.directory}`);
  const configText = await readRemoteText(ssh, layout.configFile, ctx.signal);
  if (configText === undefined) throw new Error(`${ssh.where}: cannot read ${layout.configFile} (§12.1.1)`);
  const identity = configIdentity(configText);
  const journal = new Journal(opts.repository);
  const entry = await journal.begin({
    connection: opts.connection,
    platform: 'oraclevm',
    vm: { id: 'ovm-manager', uuid: identity.uuid ?? '', name: `Oracle VM Manager ${opts.connection}` },
    before: [],
  });
  try {
    const repo = new BackupRepository(opts.repository);
    const dir = await repo.reserveBackupDir(`${opts.connection}-manager`, 'ovm-manager', async (d) => {
      await journal.update(entry, {
        folder: d,
        folderMade: false,
        files: ['config/', 'config/.config', 'config/ovmm'],
      });
    });
    await journal.update(entry, { folderMade: true });
    return await removeIfUnfinished(dir, async () => {
      const files: ManifestFile[] = [];
      const willWrite = async (names: string[]) => {
        await journal.update(entry, { files: [...entry.files, ...names] });
      };
      const one = async (remote: string, rel: string) => {
        const w = await ssh.download(remote, path.join(dir, ...rel.split('/')), {
          signal: ctx.signal,
          idleMs: opts.idleMs,
          onProgress: ctx.progress,
        });
        files.push({ name: rel, bytes: w.bytes, sha256: w.sha256 });
        ctx.log(`${remote} → ${rel} (${w.bytes} bytes, sha256 ${w.sha256.slice(0, 12)}…)`);
      };
      await fs.promises.mkdir(path.join(dir, 'config'));
      await one(layout.configFile, 'config/.config');
      if ((await readRemoteText(ssh, layout.sysconfig, ctx.signal)) !== undefined)
        await one(layout.sysconfig, 'config/ovmm');
      for (const n of chosen) {
        ctx.log(`copying database backup ${n}`);
        files.push(
          ...(await copyRemoteTree(ssh, `${listing!.settings.directory}/${n}`, dir, `dbbackup/${n}`, {
            signal: ctx.signal,
            idleMs: opts.idleMs,
            onProgress: ctx.progress,
            log: ctx.log,
            willWrite,
          })),
        );
      }
      if (opts.weblogicLdap) {
        ctx.log(`copying the WebLogic LDAP data ${layout.weblogicLdap} (§12.1.6)`);
        files.push(
          ...(await copyRemoteTree(ssh, layout.weblogicLdap, dir, 'weblogic-ldap', {
            signal: ctx.signal,
            idleMs: opts.idleMs,
            onProgress: ctx.progress,
            log: ctx.log,
            willWrite,
          })),
        );
      }
      const manifest: Manifest = {
        format: 'vmbackup-manifest/1',
        kind: 'ovm-manager',
        platform: 'oraclevm',
        created: new Date().toISOString(),
        tool: TOOL,
        source: {
          connection: opts.connection,
          host: { id: identity.uuid ?? '', name: `Oracle VM Manager (${opts.connection})` },
        },
        ovmManager: { ...identity, databaseBackups: chosen, weblogicLdap: !!opts.weblogicLdap },
        files,
      };
      repo.writeManifest(dir, manifest);
      const e = repo.entry(dir);
      if (!e) throw new Error(`backup written to ${dir} but not found in the catalog`);
      return e;
    });
  } finally {
    journal.release(entry);
    await journal.complete(entry);
  }
}
