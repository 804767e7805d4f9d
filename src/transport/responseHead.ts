// The head of an HTTP/1.x response (status line and header fields), parsed strictly: it comes from the network.

export interface ResponseHead {
  status: number;
  /** Field names in lower case; repeated fields joined with ", ". */
  headers: Record<string, string>;
  /** The body's length when the server declared one; otherwise the body ends when the connection closes. */
  contentLength?: number;
}

/** More than this and the reply is not a response head we want to hold. */
export const MAX_HEAD_BYTES = 64 * 1024;

/** An error about the shape of a reply (not the network, not the vendor): never worth a retry. */
export class MalformedReplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedReplyError';
  }
}

const STATUS = /^HTTP\/1\.[01] ([1-9]\d\d)(?: [^\r\n]*)?$/;
const FIELD = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/;

/** Parses the bytes before the blank line that ends a response head. */
export function parseResponseHead(bytes: Buffer): ResponseHead {
  const [statusLine, ...lines] = bytes.toString('latin1').split('\r\n');
  const m = STATUS.exec(statusLine);
  if (!m) throw new MalformedReplyError(`not an HTTP/1.x status line: ${JSON.stringify(statusLine.slice(0, 80))}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const f = FIELD.exec(line);
    if (!f || /[\0\r\n]/.test(f[2]))
      throw new MalformedReplyError(`malformed header line: ${JSON.stringify(line.slice(0, 80))}`);
    const name = f[1].toLowerCase();
    headers[name] = name in headers ? `${headers[name]}, ${f[2]}` : f[2];
  }
  const te = headers['transfer-encoding'];
  // We ask in HTTP/1.0, which has no chunked encoding; a server that uses one anyway cannot be read as raw bytes.
  if (te !== undefined && te.toLowerCase() !== 'identity')
    throw new MalformedReplyError(`unexpected transfer-encoding "${te}" in a reply to an HTTP/1.0 request`);
  const cl = headers['content-length'];
  if (cl === undefined) return { status: Number(m[1]), headers };
  const values = new Set(cl.split(',').map((v) => v.trim()));
  const [only] = values;
  if (values.size !== 1 || !/^\d{1,15}$/.test(only))
    throw new MalformedReplyError(`invalid content-length "${cl.slice(0, 40)}"`);
  return { status: Number(m[1]), headers, contentLength: Number(only) };
}
