// POST a small request and read its whole reply into one buffer, for replies of tens of MB (XAPI's get_all_records of a
// large pool). Node's HTTP client hands the body over in 64 KiB Buffers that axios then concatenates: per 50 MB of
// replies, about 90 ms of CPU in the HTTP parser and 145 ms in Buffer.concat on this project's machine. Here the
// socket reads straight into one buffer of the declared Content-Length (see rawGet and BodyReader), under the same TLS
// policy (openSocket: CA verification, or the pinned thumbprint before any byte is written).
import { BodySink } from '../core/bodySink';
import { MalformedReplyError, ResponseHead } from './responseHead';
import { BodyReader, checkHeaders, requestHead } from './responseReader';

export interface RawPostOptions {
  thumbprint?: string;
  signal?: AbortSignal;
  /** Extra request headers (Content-Type…); a value with CR or LF is refused (no header injection). */
  headers?: Record<string, string>;
  /** Fail with a StalledError when no byte arrives for this long. */
  idleMs?: number;
  /** A reply declaring, or sending, more than this many bytes fails with a MalformedReplyError (nothing more is read). */
  maxBytes: number;
  /**
   * Told once the request's bytes are written to the socket (the server can work on it from then on), before the reply
   * is read; never told when the connection fails first.
   */
  onSent?: () => void;
}

export interface RawPostReply {
  head: ResponseHead;
  body: Buffer;
}

/** Below this a reply without a Content-Length is read in pieces of this size (then joined once). */
const PIECE_BYTES = 1024 * 1024;

/**
 * POSTs `body` to `url` in HTTP/1.0 (never a chunked reply; the connection is closed after it) and resolves with the
 * reply's head and whole body, whatever its status. A body cut short of its Content-Length rejects with a
 * TruncatedStreamError; one over `maxBytes` (declared or sent) with a MalformedReplyError before the memory is taken.
 */
export async function rawPost(url: string, body: string, opts: RawPostOptions): Promise<RawPostReply> {
  const u = new URL(url);
  checkHeaders(opts.headers);
  const sink = new ReplyBuffer(opts.maxBytes);
  const reader = new BodyReader((head) => sink.sized(head.contentLength));
  const socket = await reader.connect(u, `POST ${u.pathname} to ${u.origin}`, opts);
  const request = requestHead('POST', u, { ...opts.headers, 'Content-Length': String(Buffer.byteLength(body)) }) + body;
  const { head } = await reader.run(socket, request, opts.signal, opts.onSent);
  return { head, body: sink.bytes() };
}

/**
 * A reply's body in memory: one buffer of the declared length (xapi declares it: api_server.ml `jsoncallback` builds
 * the reply, then `Http_svr.response_fct` sends its length), else pieces joined at the end; never more than `max` bytes.
 */
class ReplyBuffer implements BodySink {
  private pieces: Buffer[] = [];
  private current = Buffer.alloc(0);
  private used = 0;
  private total = 0;
  private declared = false;

  constructor(private readonly max: number) {}

  /** Sizes the buffer by the reply's Content-Length (refused over the limit before anything is allocated). */
  sized(contentLength: number | undefined): BodySink {
    if (contentLength !== undefined) {
      if (contentLength > this.max) throw tooLarge(this.max, `declares ${contentLength}`);
      this.declared = true;
      this.current = Buffer.allocUnsafe(Math.max(contentLength, 1));
    }
    return this;
  }

  space(): Buffer {
    if (this.used === this.current.length) {
      // Declared length reached: BodyReader reads no more than it, so this only serves a read that will be dropped.
      if (this.declared) return Buffer.allocUnsafe(1);
      if (this.used) this.pieces.push(this.current);
      this.current = Buffer.allocUnsafe(PIECE_BYTES);
      this.used = 0;
    }
    return this.current.subarray(this.used);
  }

  commit(n: number): undefined {
    this.used += n;
    this.total += n;
    if (this.total > this.max) throw tooLarge(this.max, `sent more than ${this.max}`);
    return undefined;
  }

  bytes(): Buffer {
    const last = this.current.subarray(0, this.used);
    if (this.declared) return last;
    return this.pieces.length ? Buffer.concat([...this.pieces, last], this.total) : last;
  }
}

function tooLarge(max: number, what: string): MalformedReplyError {
  return new MalformedReplyError(`reply larger than the limit of ${max} bytes (it ${what})`);
}
