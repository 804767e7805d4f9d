// The sha256 of a file on the VCB host, to check an upload against the backup's manifest: `sha256sum -- <path>` there
// (GNU coreutils; argv quoted by SshSession), else — no sha256sum (e.g. an ESX 3.x service console's older coreutils) —
// the file read back over SFTP and hashed here, streamed.
import { JobContext } from '../../core/job';
import { VcbHostSession } from './vcbHostSession';
import { remoteOutputText } from '../../core/controlChars';

/** Whether to try sha256sum on the host; set false (for the rest of the job) once the host has none. */
export interface RemoteHasher {
  sha256sum: boolean;
}

/** One line of `sha256sum` output: 64 hex digits, then the name (a leading `\` when the name was escaped). */
export function parseSha256sum(stdout: string): string | undefined {
  return /^\\?([0-9a-f]{64}) [ *]/.exec(stdout)?.[1];
}

/**
 * The sha256 (hex) of `remote`, `bytes` long. The idle limit grows with the size (sha256sum prints nothing until done:
 * the host's idle limit plus a second per 20 MiB).
 * @throws Error naming connection and host when sha256sum fails on the file, or the read-back is not `bytes` long;
 *   CancelledError, IdleTimeoutError.
 */
export async function remoteSha256(
  h: VcbHostSession,
  remote: string,
  bytes: number,
  hasher: RemoteHasher,
  ctx: JobContext,
): Promise<string> {
  const idleMs = h.idleMs() + Math.ceil(bytes / (20 * 1024 * 1024)) * 1000;
  if (hasher.sha256sum) {
    const r = await h.ssh.exec(['sha256sum', '--', remote], { signal: ctx.signal, idleMs, maxOutputBytes: 64 * 1024 });
    const sum = r.code === 0 ? parseSha256sum(r.stdout) : undefined;
    if (sum) return sum;
    if (r.code !== 127 && r.code !== 126 && r.code !== 0)
      throw new Error(
        `${h.where()}: sha256sum ${remote} exited with ${r.code}` + remoteOutputText(r.stderr.trim().slice(-500)),
      );
    hasher.sha256sum = false;
    ctx.log(`no usable sha256sum on ${h.host.host}: uploaded files are read back over SFTP to check them`);
  }
  const back = await h.ssh.sftp((f) => f.sha256(remote, { signal: ctx.signal, idleMs }));
  if (back.bytes !== bytes)
    throw new Error(`${h.where()}: ${remote} reads back as ${back.bytes} bytes, ${bytes} were uploaded`);
  return back.sha256;
}
