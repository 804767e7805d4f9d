// A TCP proxy that resets a connection mid-stream, for the 'reset at a random offset' tests.
import * as net from 'node:net';

/** A TCP proxy in front of vcsim that resets the first connection whose server-to-client bytes pass `cutAt` (once). */
export function resettingProxy(target: URL, cutAt: number): Promise<{ url: string; cuts: number; close(): void }> {
  const state = { url: '', cuts: 0, close: (): void => undefined };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(client);
    sockets.add(upstream);
    let bytes = 0;
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (state.cuts === 0 && bytes > cutAt) {
        state.cuts++;
        client.resetAndDestroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  });
  state.close = () => {
    for (const s of sockets) s.destroy();
    server.close();
  };
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      state.url = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
      resolve(state);
    }),
  );
}
