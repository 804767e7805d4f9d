// GET a large body straight into the caller's buffers. Node's HTTP client copies every body byte into a fresh
// Buffer; for a disk image that is a second copy of the whole disk and, from all those allocations, a full
// garbage collection every few hundred MiB. Here the kernel writes the bytes where they will be hashed and
// written to disk from (net.Socket's onread), as curl does.
import * as net from 'node:net';
import { BodySink } from '../core/bodySink';
import { CancelledError } from '../core/errors';
import { openSocket } from './openSocket';
import { MAX_HEAD_BYTES, MalformedReplyError, ResponseHead, parseResponseHead } from './responseHead';

export interface RawGetOptions { thumbprint?: string; signal?: AbortSignal; userAgent?: string }

export interface RawGetResult { head: ResponseHead; bodyBytes: number }

/**
 * GETs `url` in HTTP/1.0 (so never a chunked reply). `sinkFor(head)` decides where the body goes: a sink, or
 * undefined to drop the connection after the head (a redirect, an error status). Resolves when the body is
 * complete: the declared Content-Length, or the server's close when it declared none (XAPI's /export). A body
 * cut short of its Content-Length rejects with code ERR_TRUNCATED_STREAM.
 */
export async function rawGet(url: string, opts: RawGetOptions, sinkFor: (head: ResponseHead) => BodySink | undefined): Promise<RawGetResult> {
  const u = new URL(url);
  const reader = new BodyReader(sinkFor);
  const socket = await openSocket(u, { thumbprint: opts.thumbprint, signal: opts.signal, onread: reader.onread });
  return reader.run(socket, `GET ${u.pathname}${u.search} HTTP/1.0\r\nHost: ${u.host}\r\nUser-Agent: ${opts.userAgent ?? 'vm-backup-explorer'}\r\nAccept: */*\r\n\r\n`, opts.signal);
}

/**
 * The read loop. Node asks `buffer()` for the next read's memory right after each callback, so a sink's space
 * may only change through a commit made inside the callback. Bytes that did not land in the sink's space (the body
 * bytes that came with the head, and a read into the scratch buffer while those were being copied) are copied in.
 */
class BodyReader {
  /** The response head is read here; once it is parsed, the buffer is scratch space for the rare copied read. */
  private readonly scratch = Buffer.allocUnsafeSlow(MAX_HEAD_BYTES);
  private headLen = 0;
  private parsed?: ResponseHead;
  private sink?: BodySink;
  /** True while bytes are copied into the sink across an await: the sink's space is not to be handed out then. */
  private copying = false;
  private remaining = Infinity;
  private bodyBytes = 0;
  private ended = false;
  private socket?: net.Socket;
  /** The sink's write that paused reading, if any: the end of the stream waits for it too. */
  private pending: Promise<void> | undefined;
  private settle?: { resolve: (r: RawGetResult) => void; reject: (e: unknown) => void };

  constructor(private readonly sinkFor: (head: ResponseHead) => BodySink | undefined) {}

  readonly onread: net.OnReadOpts = {
    buffer: () => (!this.sink ? this.scratch.subarray(this.headLen) : this.copying ? this.scratch : this.sink.space()),
    callback: (n: number, buf: Uint8Array): boolean => {
      if (!this.settle) return false;
      try {
        if (!this.sink) return this.readHead(n);
        if (buf.buffer === this.scratch.buffer) return this.copyIn(Buffer.from(buf.subarray(0, n)));
        return this.deliver(n);
      } catch (err) { this.fail(err); return false; }
    },
  };

  run(socket: net.Socket, request: string, signal?: AbortSignal): Promise<RawGetResult> {
    this.socket = socket;
    return new Promise<RawGetResult>((resolve, reject) => {
      const onAbort = () => this.fail(new CancelledError());
      signal?.addEventListener('abort', onAbort, { once: true });
      this.settle = {
        resolve: (r) => { signal?.removeEventListener('abort', onAbort); resolve(r); },
        reject: (e) => { signal?.removeEventListener('abort', onAbort); reject(e); },
      };
      socket.on('error', (err) => this.fail(err));
      socket.on('end', () => this.onEnd());
      socket.on('close', () => { if (!this.ended) this.fail(premature('connection closed before the response was complete')); });
      if (signal?.aborted) return onAbort();
      socket.write(request);
    });
  }

  private readHead(n: number): boolean {
    const from = Math.max(0, this.headLen - 3);
    this.headLen += n;
    const end = this.scratch.subarray(0, this.headLen).indexOf('\r\n\r\n', from);
    if (end < 0) {
      if (this.headLen === this.scratch.length) throw new MalformedReplyError(`response head larger than ${MAX_HEAD_BYTES} bytes`);
      return true;
    }
    this.parsed = parseResponseHead(this.scratch.subarray(0, end));
    this.sink = this.sinkFor(this.parsed);
    if (!this.sink) { this.finish(); return false; }
    this.remaining = this.parsed.contentLength ?? Infinity;
    return this.copyIn(Buffer.from(this.scratch.subarray(end + 4, this.headLen)));
  }

  /** Copies bytes into the sink; goes on reading at once if that needed no wait. */
  private copyIn(bytes: Buffer): boolean {
    let wait: Promise<void> | undefined;
    while (bytes.length > 0 && this.remaining > 0 && !wait) {
      const space = this.sink!.space();
      const k = Math.min(bytes.length, space.length, this.remaining);
      bytes.copy(space, 0, 0, k);
      bytes = bytes.subarray(k);
      wait = this.commit(k);
    }
    if (!wait && this.remaining > 0) return true;
    if (bytes.length === 0 || this.remaining === 0) { this.pause(wait ?? Promise.resolve()); return false; }
    this.copying = true;
    this.pause(wait!.then(() => { this.copying = false; if (this.copyIn(bytes) || !this.pending) return; return this.pending; }));
    return false;
  }

  private deliver(n: number): boolean {
    const wait = this.commit(Math.min(n, this.remaining));
    if (this.remaining === 0 || wait) { this.pause(wait ?? Promise.resolve()); return false; }
    return true;
  }

  private commit(n: number): Promise<void> | undefined {
    this.remaining -= n;
    this.bodyBytes += n;
    return this.sink!.commit(n);
  }

  /** Reading stays stopped until `wait` settles; then the body is complete, or reading goes on. */
  private pause(wait: Promise<void>): void {
    this.pending = wait;
    wait.then(() => {
      if (this.pending !== wait) return;
      this.pending = undefined;
      if (this.remaining === 0 || this.ended) this.finish(); else this.socket?.resume();
    }, (err) => this.fail(err));
  }

  private onEnd(): void {
    this.ended = true;
    if (!this.parsed) return this.fail(premature('connection closed before the response head'));
    if (this.remaining !== Infinity && this.remaining > 0 && !this.copying) {
      return this.fail(Object.assign(new Error(`body ended ${this.remaining} bytes short of its Content-Length`), { code: 'ERR_TRUNCATED_STREAM' }));
    }
    if (!this.pending) this.finish();
  }

  private finish(): void {
    const s = this.settle;
    if (!s) return;
    if (this.remaining !== Infinity && this.remaining > 0) return this.fail(Object.assign(new Error(`body ended ${this.remaining} bytes short of its Content-Length`), { code: 'ERR_TRUNCATED_STREAM' }));
    this.settle = undefined;
    this.socket?.destroy();
    s.resolve({ head: this.parsed!, bodyBytes: this.bodyBytes });
  }

  private fail(err: unknown): void {
    const s = this.settle;
    if (!s) return;
    this.settle = undefined;
    this.socket?.destroy();
    s.reject(err);
  }
}

function premature(message: string): Error {
  return Object.assign(new Error(message), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}
