// PUT a file with an exact Content-Length from a few reused buffers. Node's stream path (fs.ReadStream into an HTTP
// request) allocates a new Buffer for every read; for a disk image those buffers are what the garbage collector
// spends its time on. Here four 1 MiB buffers go round: read from the file, written to the socket, reused once the
// socket has taken them.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { BodySink } from '../core/bodySink';
import { BackupContentError, CancelledError } from '../core/errors';
import { MalformedReplyError, ResponseHead } from './responseHead';
import { BodyReader, checkHeaders, requestHead } from './responseReader';

export interface RawPutOptions {
  thumbprint?: string;
  signal?: AbortSignal;
  /** Extra request headers (e.g. vSphere's session Cookie); a value with CR or LF is refused (no header injection). */
  headers?: Record<string, string>;
  /** Called as the socket takes bytes of the body. */
  onBytes?: (n: number) => void;
  /** Fail with a StalledError when the peer takes no byte and sends none for this long. */
  idleMs?: number;
  /** PUT (default) or POST (vSphere's NFC upload of a disk: govmomi nfc/lease.go Upload). */
  method?: 'PUT' | 'POST';
  /** Default application/octet-stream. */
  contentType?: string;
  /**
   * The file's expected sha256 (hex, the backup's manifest): every byte is hashed as it is read, and the last buffer
   * is written only once the whole file's digest is known to match. On a mismatch the body stops short of its
   * Content-Length (the server never gets a complete upload) and a BackupContentError is thrown.
   */
  sha256?: string;
}

const BUFFER_BYTES = 1 << 20;
const BUFFERS = 4;
/** The reply to an upload is a few lines (XAPI: nothing, or an error text); more is not a reply we read. */
const MAX_REPLY_BYTES = 1 << 20;

/**
 * PUTs `file` to `url` in HTTP/1.0 with its exact Content-Length (XAPI refuses chunked uploads). Resolves with the
 * reply's head once the reply is complete and the whole body was sent; a refusal that comes while the body is still
 * going (any status but 200) ends the upload and is returned as it is. A file that changes size while it is sent
 * is an error, not a shorter upload.
 */
export async function rawPut(url: string, file: string, opts: RawPutOptions = {}): Promise<ResponseHead> {
  const u = new URL(url);
  checkHeaders(opts.headers);
  const fh = await fs.promises.open(file, 'r');
  let socket: net.Socket | undefined;
  try {
    const size = (await fh.stat()).size;
    const reader = new BodyReader((head) => (head.status === 200 ? discard(MAX_REPLY_BYTES) : undefined), true);
    socket = await reader.connect(u, `${opts.method ?? 'PUT'} ${u.pathname} to ${u.origin}`, opts);
    const idle = reader.idle!;
    const onBytes = opts.onBytes;
    opts = {
      ...opts,
      onBytes: (n) => {
        idle.touch();
        onBytes?.(n);
      },
    };
    const reply = reader.run(
      socket,
      requestHead(opts.method ?? 'PUT', u, {
        ...opts.headers,
        'Content-Type': opts.contentType ?? 'application/octet-stream',
        'Content-Length': String(size),
      }),
      opts.signal,
    );
    const sent = sendFile(socket, fh, file, size, opts);
    sent.catch(() => undefined); // awaited below, unless the reply ended the upload first
    reply.catch(() => undefined);
    try {
      const first = await Promise.race([reply.then((r) => ({ reply: r })), sent.then(() => undefined)]);
      if (first && first.reply.head.status !== 200) return first.reply.head;
      await sent;
    } catch (err) {
      // The server may have refused and closed while we were sending: its answer says more than our broken pipe.
      if (opts.signal?.aborted) throw err;
      socket.destroy();
      const answer = await reply.catch(() => undefined);
      if (answer && answer.head.status !== 200) return answer.head;
      throw err;
    }
    return (await reply).head;
  } finally {
    socket?.destroy();
    await fh.close();
  }
}

/** Reads the file into reused buffers and writes them to the socket, at most BUFFERS in flight (opts.sha256: checked). */
async function sendFile(
  socket: net.Socket,
  fh: fs.promises.FileHandle,
  file: string,
  size: number,
  opts: RawPutOptions,
): Promise<void> {
  const free = Array.from({ length: BUFFERS }, () => Buffer.allocUnsafeSlow(BUFFER_BYTES));
  const hash = opts.sha256 ? createHash('sha256') : undefined;
  const checkDigest = () => {
    if (hash && hash.digest('hex') !== opts.sha256!.toLowerCase())
      throw new BackupContentError(path.basename(file), 'the upload was stopped before its last bytes');
  };
  let failed: Error | undefined;
  let wake: (() => void) | undefined;
  const settled = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const onClose = () => {
    failed ??= Object.assign(new Error('connection closed before the upload was complete'), { code: 'ECONNRESET' });
    settled();
  };
  socket.once('close', onClose);
  const waitFor = async (ready: () => boolean) => {
    while (!ready()) {
      if (failed) throw failed;
      if (opts.signal?.aborted) throw new CancelledError();
      await new Promise<void>((r) => {
        wake = r;
      });
    }
    if (failed) throw failed;
  };
  const onAbort = () => settled();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (size === 0) checkDigest();
    for (let pos = 0; pos < size;) {
      await waitFor(() => free.length > 0);
      const buf = free.pop()!;
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, size - pos), pos);
      if (bytesRead === 0) throw new Error(`${size - pos} bytes short: the file shrank while it was uploaded`);
      hash?.update(buf.subarray(0, bytesRead));
      pos += bytesRead;
      if (pos === size) checkDigest(); // before the last bytes go out
      socket.write(buf.subarray(0, bytesRead), (err) => {
        if (err) failed ??= err;
        else {
          opts.onBytes?.(bytesRead);
          free.push(buf);
        }
        settled();
      });
    }
    await waitFor(() => free.length === BUFFERS);
  } finally {
    socket.removeListener('close', onClose);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

/** A sink that counts and drops bytes, and refuses more than `max`. */
function discard(max: number): BodySink {
  const scratch = Buffer.allocUnsafe(64 * 1024);
  let total = 0;
  return {
    space: () => scratch,
    commit: (n) => {
      total += n;
      if (total > max) throw new MalformedReplyError(`reply to an upload larger than ${max} bytes`);
      return undefined;
    },
  };
}
