// An XVA reader written from the format (XAPI docs topics/importexport.md, stream_vdi.ml's recv_one rules), with
// kept libraries for the generic parts (tar-stream, fast-xml-parser, xxhash-wasm) and nothing from the lab's writer.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { XMLParser } from 'fast-xml-parser';
import * as tar from 'tar-stream';
import xxhash from 'xxhash-wasm';

/** A tar entry of an XVA: name and size (data only for ova.xml and sidecars). */
export interface XvaEntry {
  name: string;
  size: number;
  text?: string;
}
/** One disk rebuilt from its chunk entries: total bytes, sha256, keep-alive (empty) entries, last entry's size. */
export interface XvaDisk {
  id: string;
  bytes: number;
  sha256: string;
  keepAlives: number;
  lastChunkBytes: number;
  badSidecars: string[];
}
export interface XvaRead {
  entries: XvaEntry[];
  ova: {
    version: Record<string, unknown>;
    objects: { class: string; id: string; snapshot: Record<string, unknown> }[];
  };
  disks: Map<string, XvaDisk>;
}

type XmlNode = Record<string, unknown>;

/** XML-RPC <value> → JS (xapi writes ints as plain strings, wire-protocol.md; <double>, <boolean>, struct, array). */
function fromValue(v: unknown): unknown {
  if (v === '' || v === undefined || v === null) return '';
  if (typeof v !== 'object') return String(v);
  const n = v as XmlNode;
  if ('struct' in n) {
    const members = ((n.struct as XmlNode)?.member ?? []) as XmlNode[];
    return Object.fromEntries(members.map((m) => [String(m.name), fromValue((m.value as unknown[])[0])]));
  }
  if ('array' in n) return ((((n.array as XmlNode)?.data as XmlNode)?.value as unknown[]) ?? []).map(fromValue);
  if ('boolean' in n) return String(n.boolean) === '1';
  if ('double' in n) return Number(n.double);
  if ('string' in n) return String(n.string ?? '');
  if ('dateTime.iso8601' in n) return String(n['dateTime.iso8601']);
  if ('#text' in n) return String(n['#text']);
  throw new Error(`unexpected XML-RPC value ${JSON.stringify(v).slice(0, 80)}`);
}

export function parseOvaXml(xml: string): XvaRead['ova'] {
  const doc = new XMLParser({
    parseTagValue: false,
    trimValues: false,
    isArray: (name) => name === 'member' || name === 'value',
  }).parse(xml);
  return fromValue((doc.value as unknown[])[0]) as XvaRead['ova'];
}

/** Reads a whole XVA stream; disks are rebuilt in order (gaps are zero chunks of the first chunk's size). */
export async function readXva(stream: Readable): Promise<XvaRead> {
  const h = await xxhash();
  const entries: XvaEntry[] = [];
  const disks = new Map<
    string,
    XvaDisk & { last: number; first: number; hash: ReturnType<typeof createHash>; pending?: string }
  >();
  let ova: XvaRead['ova'] | undefined;
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('finish', resolve);
    extract.on('error', reject);
    stream.on('error', reject);
  });
  extract.on('entry', (header, body, next) => {
    const parts: Buffer[] = [];
    body.on('data', (c: unknown) => parts.push(c as Buffer));
    body.on('end', () => {
      const data = Buffer.concat(parts);
      const name = header.name;
      const e: XvaEntry = { name, size: data.length };
      entries.push(e);
      if (name === 'ova.xml') {
        e.text = data.toString('utf8');
        ova = parseOvaXml(e.text);
        return next();
      }
      const m = /^(Ref:\d+)\/(\d{8})(\.xxhash)?$/.exec(name);
      if (!m) return next(new Error(`unexpected entry ${name}`));
      let d = disks.get(m[1]);
      if (!d) {
        d = {
          id: m[1],
          bytes: 0,
          sha256: '',
          keepAlives: 0,
          lastChunkBytes: 0,
          badSidecars: [],
          last: -1,
          first: -1,
          hash: createHash('sha256'),
        };
        disks.set(m[1], d);
      }
      if (m[3]) {
        e.text = data.toString('ascii');
        if (e.text !== d.pending) d.badSidecars.push(name);
        return next();
      }
      const no = Number(m[2]);
      if (no <= d.last) return next(new Error(`${name}: chunk numbers must increase`));
      if (d.first < 0) d.first = data.length;
      for (let z = d.last + 1; z < no; z++) {
        d.hash.update(Buffer.alloc(d.first));
        d.bytes += d.first;
      }
      d.last = no;
      if (data.length === 0) d.keepAlives++;
      else {
        d.hash.update(data);
        d.bytes += data.length;
        d.lastChunkBytes = data.length;
      }
      d.pending = h.h64Raw(data).toString(16).toUpperCase().padStart(16, '0');
      next();
    });
  });
  stream.pipe(extract);
  await done;
  if (!ova) throw new Error('no ova.xml');
  const out = new Map<string, XvaDisk>();
  for (const [id, d] of disks)
    out.set(id, {
      id,
      bytes: d.bytes,
      sha256: d.hash.digest('hex'),
      keepAlives: d.keepAlives,
      lastChunkBytes: d.lastChunkBytes,
      badSidecars: d.badSidecars,
    });
  return { entries, ova, disks: out };
}
