// vmbackup-vcb: URIs — what the VCB file system serves, named by connection and VCB host (`host:port`):
//   /<connection>/<host:port>/conf/<path of backuptools.conf on the host>
//   /<connection>/<host:port>/catalog/<path of a catalog copy on the host>
//   /<connection>/<host:port>/mount/<mount id>/<path inside the mount>
// Connection and host are percent-encoded path segments, so any name fits. No vscode import (tested in Node).

export const VCB_SCHEME = 'vmbackup-vcb';

export type VcbUriKind = 'conf' | 'catalog' | 'mount';

/** A parsed vmbackup-vcb: path: the connection, the VCB host, what it is, and the remote path (or mount and rel). */
export interface VcbUriTarget {
  connection: string;
  hostId: string;
  kind: VcbUriKind;
  /** conf, catalog: the absolute path on the VCB host. */
  remotePath?: string;
  /** mount: the mount's id and the path inside it ('' = the mount point). */
  mountId?: string;
  rel?: string;
}

/** The URI path of a target. @throws when a remote path is not absolute. */
export function vcbUriPath(t: VcbUriTarget): string {
  const head = `/${encodeURIComponent(t.connection)}/${encodeURIComponent(t.hostId)}/${t.kind}`;
  if (t.kind === 'mount') {
    const rel = (t.rel ?? '').replace(/^\/+/, '');
    return `${head}/${encodeURIComponent(t.mountId ?? '')}${rel ? '/' + rel : ''}`;
  }
  if (!t.remotePath?.startsWith('/')) throw new Error(`not an absolute path on the VCB host: ${t.remotePath}`);
  return head + t.remotePath;
}

/**
 * Parses a vmbackup-vcb: URI path. @throws FileNotFound-like Error for anything else, and for a `..` segment or a NUL
 * anywhere (nothing outside what the product opened is reachable through a crafted URI).
 */
export function parseVcbUriPath(p: string): VcbUriTarget {
  if (p.includes('\0')) throw new Error('a vmbackup-vcb: path cannot hold a NUL byte');
  const parts = p.split('/');
  if (parts.includes('..')) throw new Error(`a vmbackup-vcb: path cannot hold "..": ${p}`);
  const [empty, conn, host, kind, ...rest] = parts;
  if (empty !== '' || !conn || !host || !['conf', 'catalog', 'mount'].includes(kind))
    throw new Error(`not a vmbackup-vcb: path: ${p}`);
  const base = { connection: decodeURIComponent(conn), hostId: decodeURIComponent(host), kind: kind as VcbUriKind };
  if (kind === 'mount') {
    const [id, ...relParts] = rest;
    if (!id) throw new Error(`not a vmbackup-vcb: mount path: ${p}`);
    return { ...base, mountId: decodeURIComponent(id), rel: relParts.filter(Boolean).join('/') };
  }
  if (!rest.length) throw new Error(`not a vmbackup-vcb: file path: ${p}`);
  return { ...base, remotePath: '/' + rest.join('/') };
}
