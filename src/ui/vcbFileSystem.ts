// The vmbackup-vcb: file system (vcbUris.ts names its paths) over the VCB host's SFTP session:
// - backuptools.conf, read and written back (the file keeps its mode; PASSWORD in a file others can read is refused
//   as the provider refuses it, guide P.58 注意); the host's session is reopened after a save so the tools' settings
//   are read again. The language support (backuptools-conf, by its file name) validates it in the editor.
// - a catalog copy made by Restore with VCB: written only after it validates (VcbProvider.saveCatalogCopy).
// - a file-level mount (vcbMounter -t file): read-only (FilePermission.Readonly), inside the mount only.
import * as vscode from 'vscode';
import { describeContext } from '../core/errors';
import { VcbSessions } from './vcbSessions';
import { VCB_SCHEME, VcbUriTarget, parseVcbUriPath, vcbUriPath } from './vcbUris';

/** Largest file the editor opens from a VCB host or a mount, bytes. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

/** The vmbackup-vcb: URI of a target. */
export function vcbUri(t: VcbUriTarget): vscode.Uri {
  return vscode.Uri.from({ scheme: VCB_SCHEME, path: vcbUriPath(t) });
}

/** A stat of this file system: no times (SFTP's are not shown), `size` bytes, read-only or not. */
function statOf(type: vscode.FileType, size: number, readonly: boolean): vscode.FileStat {
  return { type, ctime: 0, mtime: 0, size, ...(readonly ? { permissions: vscode.FilePermission.Readonly } : {}) };
}

export class VcbFileSystem implements vscode.FileSystemProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  /** Paths of catalog copies this window made, by connection + host (only those are served). */
  private readonly catalogCopies = new Set<string>();
  /** Called after backuptools.conf was written (the tree repaints its node). */
  onConfigSaved?: (connection: string, hostId: string) => void;

  constructor(private readonly sessions: VcbSessions) {}

  /** Allows a catalog copy made on a host to be opened and saved through this file system. */
  allowCatalogCopy(connection: string, hostId: string, remotePath: string): vscode.Uri {
    const t: VcbUriTarget = { connection, hostId, kind: 'catalog', remotePath };
    this.catalogCopies.add(vcbUriPath(t));
    return vcbUri(t);
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const t = this.target(uri, true);
    if (t.kind === 'mount') {
      const m = this.mount(t);
      const rel = t.rel ?? '';
      if (!rel) return statOf(vscode.FileType.Directory, 0, true);
      const parent = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
      const name = rel.slice(rel.lastIndexOf('/') + 1);
      const entry = (await m.mount.list(parent)).find((e) => e.name === name);
      if (!entry) throw vscode.FileSystemError.FileNotFound(uri);
      return statOf(entry.isDirectory ? vscode.FileType.Directory : vscode.FileType.File, entry.size, true);
    }
    // VS Code also stats the folders above a file it saves: those (and only those) answer as folders.
    const p = await this.sessions.provider(t.connection, t.hostId);
    const file = t.kind === 'conf' ? p.config.path : t.remotePath!;
    if (file !== t.remotePath) {
      if (!file.startsWith(t.remotePath!.replace(/\/+$/, '') + '/')) throw vscode.FileSystemError.FileNotFound(uri);
      return statOf(vscode.FileType.Directory, 0, true);
    }
    const st = await p.session.ssh.sftp((f) => f.stat(file));
    if (!st) throw vscode.FileSystemError.FileNotFound(uri);
    return statOf(st.isDirectory ? vscode.FileType.Directory : vscode.FileType.File, st.size, false);
  }

  async readDirectory(uri: vscode.Uri): Promise<Array<[string, vscode.FileType]>> {
    const t = this.target(uri);
    if (t.kind !== 'mount') throw vscode.FileSystemError.FileNotADirectory(uri);
    const rows = await this.mount(t).mount.list(t.rel ?? '');
    return rows.map((r) => [r.name, r.isDirectory ? vscode.FileType.Directory : vscode.FileType.File]);
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const t = this.target(uri);
    if (t.kind === 'mount') {
      const m = this.mount(t);
      const { insideMount } = await import('../providers/vcb/vcbFileLevel');
      const remote = insideMount(m.mount.mountPoint, t.rel ?? '');
      return m.provider.session.ssh.sftp((f) => f.readBytes(remote, MAX_FILE_BYTES));
    }
    const p = await this.provider(t);
    return p.session.ssh.sftp((f) => f.readBytes(t.remotePath!, MAX_FILE_BYTES));
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    const t = this.target(uri);
    if (t.kind === 'mount') throw vscode.FileSystemError.NoPermissions('a file-level mount is read-only');
    const p = await this.provider(t);
    const text = Buffer.from(content).toString('utf8');
    if (t.kind === 'catalog') {
      await p.saveCatalogCopy(t.remotePath!, text);
    } else {
      const where = describeContext({ connection: t.connection, host: t.hostId });
      const st = await p.session.ssh.sftp((f) => f.stat(t.remotePath!));
      const mode = st?.mode ?? 0o600;
      // The saved text is checked as the provider checks the file it reads: PASSWORD needs a root-only file.
      const [{ checkPasswordFileMode }, { readSettings }] = await Promise.all([
        import('../providers/vcb/vcbConfig'),
        import('../providers/vcb/vcbWire'),
      ]);
      checkPasswordFileMode(
        { path: t.remotePath!, text, mode, settings: readSettings(text), diagnostics: [] },
        `${where}: not saved`,
      );
      await p.session.ssh.sftp((f) => f.writeText(t.remotePath!, text, mode));
      this.sessions.forget(t.connection, t.hostId);
      this.onConfigSaved?.(t.connection, t.hostId);
    }
    this.emitter.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }

  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions('the VCB file system creates no folders');
  }
  delete(): void {
    throw vscode.FileSystemError.NoPermissions('the VCB file system deletes nothing');
  }
  rename(): void {
    throw vscode.FileSystemError.NoPermissions('the VCB file system renames nothing');
  }

  private target(uri: vscode.Uri, forStat = false): VcbUriTarget {
    let t: VcbUriTarget;
    try {
      t = parseVcbUriPath(uri.path);
    } catch {
      throw vscode.FileSystemError.FileNotFound(uri);
    }
    if (t.kind === 'catalog' && !this.catalogCopies.has(vcbUriPath(t))) {
      // The folders above a catalog copy (stat only: VS Code checks them when it saves).
      const below = vcbUriPath(t).replace(/\/+$/, '') + '/';
      if (!forStat || ![...this.catalogCopies].some((c) => c.startsWith(below)))
        throw vscode.FileSystemError.FileNotFound(uri);
    }
    return t;
  }

  /** The host's provider; a conf path must be the backuptools.conf the host's session read. */
  private async provider(t: VcbUriTarget) {
    const p = await this.sessions.provider(t.connection, t.hostId);
    if (t.kind === 'conf' && t.remotePath !== p.config.path)
      throw vscode.FileSystemError.NoPermissions(`${t.remotePath} is not the VCB host's backuptools.conf`);
    return p;
  }

  private mount(t: VcbUriTarget) {
    const m = this.sessions.mounts.get(t.mountId ?? '');
    if (!m || m.connection !== t.connection)
      throw vscode.FileSystemError.Unavailable(`mount ${t.mountId} is unmounted`);
    return m;
  }
}
