// Test helpers for the raw transport: a loopback TCP server that speaks whatever bytes a test wants, and a sink.
import * as net from 'node:net';
import { AddressInfo } from 'node:net';
import { BodySink } from '../../../src/core/bodySink';

/** A TCP server on 127.0.0.1 handing each connection to `onConnection`; `close` also drops open connections. */
export async function loopbackServer(
  onConnection: (s: net.Socket) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    onConnection(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A server that answers every connection with `reply(socket, request)`: whatever bytes a hostile peer might send. */
export async function rawServer(
  reply: (s: net.Socket, request: string) => void,
): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = await loopbackServer((s) => {
    let req = '';
    s.on('data', (d) => {
      req += d.toString('latin1');
      if (req.includes('\r\n\r\n')) {
        requests.push(req);
        reply(s, req);
      }
    });
  });
  return { ...server, requests };
}

/** Collects a body; `spaceBytes` limits each space, `slow` makes every commit wait (backpressure). */
export function collector(
  opts: { spaceBytes?: number; slow?: boolean } = {},
): BodySink & { bytes(): Buffer; commits: number } {
  const parts: Buffer[] = [];
  let buf = Buffer.alloc(opts.spaceBytes ?? 65536);
  const sink = {
    commits: 0,
    space: () => buf,
    commit(n: number) {
      sink.commits++;
      parts.push(Buffer.from(buf.subarray(0, n)));
      buf = Buffer.alloc(opts.spaceBytes ?? 65536); // a new space each time: a stale one would lose bytes
      return opts.slow ? new Promise<void>((r) => setTimeout(r, 1)) : undefined;
    },
    bytes: () => Buffer.concat(parts),
  };
  return sink;
}
