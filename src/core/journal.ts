// The ownership journal: what this tool is about to create on a platform, written durably before it is created.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureRepositoryRoot } from './repositoryRoot';
import { randomBytes, randomUUID } from 'node:crypto';
import { writeJsonDurably } from './durableJson';
import { syncDir } from './slabFile';

/** Where a repository keeps its journal: `<repository>/.vmbackup/journal/`, one JSON file per job. */
export function journalDir(repository: string): string {
  return path.join(repository, '.vmbackup', 'journal');
}

/**
 * One object the tool made on a platform (a disk of a temporary snapshot). `id` is the platform's reference at the
 * time; `uuid` its stable identity; `parent` the reference of what it was made from (the disk it is a snapshot of).
 */
export interface JournalObject {
  id: string;
  uuid: string;
  parent?: string;
}

/**
 * - intent: written before the platform was asked to create anything; `created` may exist without being recorded.
 * - created: the platform returned; `created` names it.
 * - deleting: deletion began; `created` and `disks` name everything that has to go.
 * - leftover: deletion ended with objects still there (`disks` / `created` say which); cleanup takes over.
 * Completion (nothing the job made is left on the platform; a complete backup folder stays, it is the product) is
 * recorded by removing the entry: unlink + fsync of the folder.
 */
export type JournalState = 'intent' | 'created' | 'deleting' | 'leftover';

/** One job's record. Platform-neutral: the provider fills `created`/`disks` with its own references and uuids. */
export interface JournalEntry {
  format: 'vmbackup-journal/1';
  /** The journal id (a random uuid, also the file name). */
  id: string;
  /** A random per-job nonce, put in the name of what the job creates (its only trace when the process died before the platform answered). */
  marker: string;
  connection: string;
  platform: string;
  /** The VM the job works on: reference, uuid and name at intent time. */
  vm: { id: string; uuid: string; name: string };
  /** ISO time of the intent (this machine's clock). */
  intentAt: string;
  /** The process that writes the entry: an entry is abandoned once its owner is gone (see isAbandoned). */
  owner: { host: string; pid: number };
  state: JournalState;
  /** Uuids of the VM's snapshots before the intent: anything in this list existed before the job and is never its own. */
  before: string[];
  /** The exact name asked for (it holds `marker`). */
  name?: string;
  /** The platform's job that creates `created` (Oracle VM: the clone's Manager job id), recorded as soon as it was submitted. */
  job?: string;
  /** What the platform created: reference and uuid. */
  created?: { id: string; uuid: string };
  /** The disks of `created`, recorded before anything is deleted. */
  disks: JournalObject[];
  /**
   * Backup folder of the job (absolute), recorded before the mkdir that makes it; `folderMade` once that mkdir
   * succeeded (until then the folder may be another job's). `files`: the names the job writes there (and `<name>.part`).
   */
  folder?: string;
  folderMade?: boolean;
  files: string[];
  /**
   * `host:port` of the SSH host where `name` is, for a platform whose temporary objects are folders on a host reached
   * over SSH (VCB: the staging folder on the VCB host; `name` is then its absolute path there). Recorded before the
   * folder is made; absent: nothing was made on a remote host.
   */
  remoteHost?: string;
  /**
   * What a restore writes on the platform's storage, recorded before its first write (Oracle VM: files put over SFTP
   * into a repository, ovmRestoreJournal.ts): `storage` the repository's id, `server` the server written through (its
   * name, for the report), `paths` the absolute remote paths in the order written (each file's `<path>.part` is
   * implied), `folder` the one folder it makes (removed with rmdir only, after its files), `diskFiles` the disk images'
   * file names. Absent for every other job.
   */
  restore?: { storage: string; server: string; paths: string[]; folder: string; diskFiles: string[] };
  updatedAt: string;
}

/** Entries of jobs that run in this process (an entry of a live job is never abandoned). */
const live = new Set<string>();

/**
 * The journal of one repository. Every write is write + fsync + rename + fsync of the folder, so after a crash an
 * entry is either the old or the new version, never a torn one.
 */
export class Journal {
  readonly dir: string;
  constructor(readonly repository: string) {
    this.dir = journalDir(repository);
  }

  /**
   * Records an intent before anything is created; `nameFor` turns the job's marker into the name the created object
   * will carry. The entry stays "live" (never taken for abandoned) until `release`.
   */
  async begin(
    fields: Pick<JournalEntry, 'connection' | 'platform' | 'vm' | 'before'> & Partial<Pick<JournalEntry, 'restore'>>,
    nameFor?: (marker: string) => string,
  ): Promise<JournalEntry> {
    const marker = randomBytes(9).toString('base64url');
    const entry: JournalEntry = {
      format: 'vmbackup-journal/1',
      id: randomUUID(),
      marker,
      name: nameFor?.(marker),
      intentAt: new Date().toISOString(),
      owner: { host: os.hostname(), pid: process.pid },
      state: 'intent',
      disks: [],
      files: [],
      updatedAt: '',
      ...fields,
    };
    live.add(entry.id);
    await this.write(entry);
    return entry;
  }

  /** Writes `entry` with `changes` applied (and returns it). */
  async update(entry: JournalEntry, changes: Partial<JournalEntry>): Promise<JournalEntry> {
    Object.assign(entry, changes);
    await this.write(entry);
    return entry;
  }

  /** The job no longer runs in this process (its entry may now be taken over by cleanup if not done). */
  release(entry: JournalEntry): void {
    live.delete(entry.id);
  }

  /** Records completion: the entry's file goes (unlink + fsync), then the journal folders if nothing else is in them. */
  async complete(entry: JournalEntry): Promise<void> {
    await fs.promises.rm(this.file(entry.id), { force: true });
    await syncDir(this.dir).catch(() => undefined);
    await this.removeEmptyFolders();
  }

  /**
   * The half-written `<id>.json.<pid>.tmp` files of processes that died during a journal write (the entry itself is
   * the old version, or absent: the write never happened). Removed unless `dryRun`, and then the journal's folders
   * if empty (a kill between an entry's unlink and the folders' rmdir leaves them).
   */
  async removeDeadWrites(dryRun: boolean): Promise<string[]> {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return [];
    }
    const dead = names.filter((n) => {
      const m = /^[0-9a-f-]{36}\.json\.(\d+)\.tmp$/.exec(n);
      return !!m && Number(m[1]) !== process.pid && !processAlive(Number(m[1]));
    });
    if (dryRun) return dead.map((n) => path.join(this.dir, n));
    for (const n of dead) await fs.promises.rm(path.join(this.dir, n), { force: true });
    await this.removeEmptyFolders();
    return dead.map((n) => path.join(this.dir, n));
  }

  /** The journal's folders go when nothing is in them (rmdir: never recursive). */
  private async removeEmptyFolders(): Promise<void> {
    for (const d of [this.dir, path.dirname(this.dir)]) {
      try {
        await fs.promises.rmdir(d);
      } catch {
        break; /* not empty (another job's entry, or the user's files) */
      }
    }
  }

  /** Every readable entry; unreadable files are returned by name in `unreadable` (never deleted). */
  list(): { entries: JournalEntry[]; unreadable: string[] } {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir).filter((n) => n.endsWith('.json'));
    } catch {
      return { entries: [], unreadable: [] };
    }
    const entries: JournalEntry[] = [];
    const unreadable: string[] = [];
    for (const n of names) {
      try {
        const e = JSON.parse(fs.readFileSync(path.join(this.dir, n), 'utf8')) as JournalEntry;
        if (e?.format !== 'vmbackup-journal/1' || `${e.id}.json` !== n) throw new Error('not a journal entry');
        entries.push(e);
      } catch {
        unreadable.push(n);
      }
    }
    return { entries: entries.sort((a, b) => a.intentAt.localeCompare(b.intentAt)), unreadable };
  }

  private file(id: string): string {
    return path.join(this.dir, `${id}.json`);
  }

  private async write(entry: JournalEntry): Promise<void> {
    entry.updatedAt = new Date().toISOString();
    ensureRepositoryRoot(this.repository); // the journal may be the first thing written into a new repository
    await writeJsonDurably(this.file(entry.id), entry);
  }
}

/** How long an entry of another machine may go without an update before it counts as abandoned. */
export const FOREIGN_OWNER_STALE_MS = 24 * 3600_000;

/**
 * Whether no process works on `entry` any more: its owner is not a live job of this process, not a running process
 * of this machine, and (for another machine) silent for FOREIGN_OWNER_STALE_MS. A live job's snapshot is never
 * taken for a leftover.
 */
export function isAbandoned(entry: JournalEntry, now = Date.now()): boolean {
  if (entry.owner.host !== os.hostname()) return now - Date.parse(entry.updatedAt) > FOREIGN_OWNER_STALE_MS;
  if (entry.owner.pid === process.pid) return !live.has(entry.id);
  return !processAlive(entry.owner.pid);
}

/** Whether a process of this machine with that pid runs (EPERM: it does, as another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
