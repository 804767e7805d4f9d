// Reads an HTTP/1.x response from a socket opened with `onread: reader.onread`: the head into a scratch buffer, the
// body straight into a caller's sink (see BodySink). Used by rawGet (the body is the download) and rawPut (the body
// is the server's short reply).
import * as net from 'node:net';
import { BodySink } from '../core/bodySink';
import { CancelledError, TruncatedStreamError } from '../core/errors';
import { MAX_HEAD_BYTES, MalformedReplyError, ResponseHead, parseResponseHead } from './responseHead';
import { IdleWatch, idleWatch } from './idleWatch';
import { openSocket } from './openSocket';

export interface ResponseResult {
  head: ResponseHead;
  bodyBytes: number;
}

/** Refuses header names or values with CR or LF (no header injection from a hostile value). */
export function checkHeaders(headers: Record<string, string> = {}): void {
  for (const [k, v] of Object.entries(headers))
    if (/[\r\n]/.test(k + v)) throw new TypeError(`header ${JSON.stringify(k)} contains CR or LF`);
}

/** The head of an HTTP/1.0 request (1.0: the reply is never chunked, and ends when its length or the connection does). */
export function requestHead(method: 'GET' | 'PUT' | 'POST', url: URL, headers: Record<string, string> = {}): string {
  const fields = { Host: url.host, 'User-Agent': 'vm-backup-explorer', ...headers };
  return `${method} ${url.pathname}${url.search} HTTP/1.0\r\n${Object.entries(fields)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
}

/**
 * The read loop. Node asks `buffer()` for the next read's memory right after each callback, so a sink's space
 * may only change through a commit made inside the callback. Bytes that did not land in the sink's space (the body
 * bytes that came with the head, and a read into the scratch buffer while those were being copied) are copied in.
 */
export class BodyReader {
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
  private settle?: { resolve: (r: ResponseResult) => void; reject: (e: unknown) => void };

  /** Told of every read and of every wait on the sink (see idleWatch); set by the caller before `run`. */
  idle?: IdleWatch;

  /** `keepOpen`: the caller closes the socket (rawPut: its body may still be going when the reply is complete). */
  constructor(
    private readonly sinkFor: (head: ResponseHead) => BodySink | undefined,
    private readonly keepOpen = false,
  ) {}

  readonly onread: net.OnReadOpts = {
    buffer: () => (!this.sink ? this.scratch.subarray(this.headLen) : this.copying ? this.scratch : this.sink.space()),
    callback: (n: number, buf: Uint8Array): boolean => {
      if (!this.settle) return false;
      this.idle?.touch();
      try {
        if (!this.sink) return this.readHead(n);
        if (buf.buffer === this.scratch.buffer) return this.copyIn(Buffer.from(buf.subarray(0, n)));
        return this.deliver(n);
      } catch (err) {
        this.fail(err);
        return false;
      }
    },
  };

  /**
   * Opens the connection this reader reads (openSocket: CA verification, or the pin checked before anything is sent)
   * and sets its idle limit (`idleMs`, naming the exchange as `what`: method, path and origin, never the query).
   */
  async connect(
    url: URL,
    what: string,
    opts: { thumbprint?: string; signal?: AbortSignal; idleMs?: number },
  ): Promise<net.Socket> {
    const idle = (this.idle = idleWatch(opts.idleMs, what, (err) => this.fail(err)));
    try {
      return await openSocket(url, { thumbprint: opts.thumbprint, signal: opts.signal, onread: this.onread });
    } catch (err) {
      idle.stop();
      throw err;
    }
  }

  /** Writes `request` on `socket` and reads the response; `onSent` is told once the request's bytes are written. */
  run(socket: net.Socket, request: string, signal?: AbortSignal, onSent?: () => void): Promise<ResponseResult> {
    this.socket = socket;
    return new Promise<ResponseResult>((resolve, reject) => {
      const onAbort = () => this.fail(new CancelledError());
      signal?.addEventListener('abort', onAbort, { once: true });
      this.settle = {
        resolve: (r) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(r);
        },
        reject: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      socket.on('error', (err) => this.fail(err));
      socket.on('end', () => this.onEnd());
      socket.on('close', () => {
        if (!this.ended) this.fail(premature('connection closed before the response was complete'));
      });
      if (signal?.aborted) return onAbort();
      socket.write(request, (err) => {
        if (!err) onSent?.();
      });
    });
  }

  private readHead(n: number): boolean {
    const from = Math.max(0, this.headLen - 3);
    this.headLen += n;
    const end = this.scratch.subarray(0, this.headLen).indexOf('\r\n\r\n', from);
    if (end < 0) {
      if (this.headLen === this.scratch.length)
        throw new MalformedReplyError(`response head larger than ${MAX_HEAD_BYTES} bytes`);
      return true;
    }
    this.parsed = parseResponseHead(this.scratch.subarray(0, end));
    this.sink = this.sinkFor(this.parsed);
    if (!this.sink) {
      this.finish();
      return false;
    }
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
    if (bytes.length === 0 || this.remaining === 0) {
      this.pause(wait ?? Promise.resolve());
      return false;
    }
    this.copying = true;
    this.pause(
      wait!.then(() => {
        this.copying = false;
        if (this.copyIn(bytes) || !this.pending) return;
        return this.pending;
      }),
    );
    return false;
  }

  private deliver(n: number): boolean {
    const wait = this.commit(Math.min(n, this.remaining));
    if (this.remaining === 0 || wait) {
      this.pause(wait ?? Promise.resolve());
      return false;
    }
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
    this.idle?.hold(true);
    wait.then(
      () => {
        this.idle?.hold(false);
        if (this.pending !== wait) return;
        this.pending = undefined;
        if (this.remaining === 0 || this.ended) this.finish();
        else this.socket?.resume();
      },
      (err) => this.fail(err),
    );
  }

  private onEnd(): void {
    this.ended = true;
    if (!this.parsed) return this.fail(premature('connection closed before the response head'));
    // With a write still pending, the pause that waits for it finishes (and checks the length) once it settles.
    if (!this.pending) this.finish();
  }

  /** The response is over (the server closed, or the body is complete): resolves, or rejects a body cut short. */
  private finish(): void {
    const s = this.settle;
    if (!s) return;
    this.idle?.stop();
    if (this.remaining !== Infinity && this.remaining > 0)
      return this.fail(new TruncatedStreamError(`body ended ${this.remaining} bytes short of its Content-Length`));
    this.settle = undefined;
    if (!this.keepOpen) this.socket?.destroy();
    s.resolve({ head: this.parsed!, bodyBytes: this.bodyBytes });
  }

  /** Ends the response with an error (also from outside: the idle limit). */
  fail(err: unknown): void {
    const s = this.settle;
    if (!s) return;
    this.idle?.stop();
    this.settle = undefined;
    this.socket?.destroy();
    s.reject(err);
  }
}

function premature(message: string): Error {
  return Object.assign(new Error(message), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}
