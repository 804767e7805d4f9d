// GET a large body straight into the caller's buffers. Node's HTTP client copies every body byte into a fresh
// Buffer; for a disk image that is a second copy of the whole disk and, from all those allocations, a full
// garbage collection every few hundred MiB. Here the kernel writes the bytes where they will be hashed and
// written to disk from (net.Socket's onread), as curl does.
import { BodySink } from '../core/bodySink';
import { ResponseHead } from './responseHead';
import { BodyReader, ResponseResult, checkHeaders, requestHead } from './responseReader';

export interface RawGetOptions {
  thumbprint?: string;
  signal?: AbortSignal;
  /** Extra request headers (e.g. vSphere's session Cookie); a value with CR or LF is refused (no header injection). */
  headers?: Record<string, string>;
  /** Fail with a StalledError when no byte arrives for this long (waits on the sink's disk writes excepted). */
  idleMs?: number;
}

/**
 * GETs `url` in HTTP/1.0 (so never a chunked reply). `sinkFor(head)` decides where the body goes: a sink, or
 * undefined to drop the connection after the head (a redirect, an error status). Resolves when the body is
 * complete: the declared Content-Length, or the server's close when it declared none (XAPI's /export). A body
 * cut short of its Content-Length rejects with a TruncatedStreamError.
 */
export async function rawGet(
  url: string,
  opts: RawGetOptions,
  sinkFor: (head: ResponseHead) => BodySink | undefined,
): Promise<ResponseResult> {
  const u = new URL(url);
  checkHeaders(opts.headers);
  const reader = new BodyReader(sinkFor);
  const socket = await reader.connect(u, `GET ${u.pathname} from ${u.origin}`, opts);
  return reader.run(socket, requestHead('GET', u, { Accept: '*/*', ...opts.headers }), opts.signal);
}
