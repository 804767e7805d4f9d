// A TCP middlebox between the client and the lab's master: it passes everything, except that the reply to a
// `GET /export` can be cut short, have a part dropped or a byte changed while the lab (and so xapi's task) sees the
// whole stream go out — the "task says success but fewer bytes arrived" of a proxy or a lying length.
import * as net from 'node:net';

export interface MiddleboxFault {
  /** Close the client's side after this many bytes of the reply (head included), reading the rest from the lab. */
  cutAt?: number;
  /** Drop reply bytes [from, to). */
  drop?: [number, number];
  /** XOR this reply byte with 0x01. */
  flip?: number;
  /** Destroy the client's socket after this many reply bytes (a reset), closing the lab's side too. */
  resetAt?: number;
  /** Answer `HTTP/1.0 <status>` itself, without asking the lab (a proxy's own error page). */
  status?: number;
  /** The fault applies to this many exports, then the middlebox passes everything (default: every export). */
  times?: number;
}

export interface Middlebox {
  url: string;
  fault: MiddleboxFault;
  close(): Promise<void>;
}

export async function startMiddlebox(target: string): Promise<Middlebox> {
  const t = new URL(target);
  const fault: MiddleboxFault = {};
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(t.port), t.hostname);
    sockets.add(client);
    sockets.add(upstream);
    let isExport: boolean | undefined;
    let sent = 0;
    client.on('data', (d) => {
      if (isExport === undefined) {
        isExport = d.toString('latin1').startsWith('GET /export?') && (fault.times === undefined || fault.times-- > 0);
        if (isExport && fault.status) {
          client.end(`HTTP/1.0 ${fault.status} Proxy Error\r\ncontent-length: 0\r\n\r\n`);
          upstream.destroy();
          return;
        }
      }
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => {
      const from = sent;
      sent += d.length;
      if (!isExport || client.destroyed) return client.destroyed ? undefined : void client.write(d);
      let out = d;
      if (fault.flip !== undefined && fault.flip >= from && fault.flip < sent) {
        out = Buffer.from(d);
        out[fault.flip - from] ^= 1;
      }
      if (fault.drop) {
        const [a, b] = fault.drop;
        const keep = [
          out.subarray(0, Math.max(0, Math.min(out.length, a - from))),
          out.subarray(Math.max(0, Math.min(out.length, b - from))),
        ];
        out = Buffer.concat(keep);
      }
      if (fault.resetAt !== undefined && sent >= fault.resetAt) {
        client.write(out.subarray(0, Math.max(0, fault.resetAt - from)), () => {
          client.resetAndDestroy();
          upstream.destroy();
        });
        isExport = false;
        return;
      }
      if (fault.cutAt !== undefined && sent >= fault.cutAt) {
        client.end(out.subarray(0, Math.max(0, fault.cutAt - from)));
        return; // the lab goes on sending into upstream, which we keep reading and dropping
      }
      client.write(out);
    });
    upstream.on('end', () => client.end());
    client.on('close', () => {
      if (!isExport || fault.cutAt === undefined) upstream.destroy();
    });
    for (const s of [client, upstream])
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.end();
    });
    client.on('close', () => sockets.delete(client));
  });
  await new Promise<void>((resolve) => server.listen(0, t.hostname, resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `${t.protocol}//${t.hostname}:${port}`,
    fault,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
