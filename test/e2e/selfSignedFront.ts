// An https front for the XAPI lab with a fresh self-signed certificate, like a stock XCP-ng host (stunnel in front of
// xapi): for the Pin This Certificate tests, in the extension host and in the UI script.
import * as http from 'node:http';
import * as https from 'node:https';
import { AddressInfo } from 'node:net';
import { selfSigned } from '../lab/selfSigned';

export interface SelfSignedFront {
  url: string;
  sha256: string;
  close: () => Promise<void>;
}

/** An https front for the lab with a fresh self-signed certificate, like a stock XCP-ng host (stunnel in front of xapi). */
export async function selfSignedFront(labUrl: string): Promise<SelfSignedFront> {
  const { key, cert, sha256 } = selfSigned('xcp-e2e');
  const lab = new URL(labUrl);
  const server = https.createServer({ key, cert }, (req, res) => {
    const up = http.request(
      { host: lab.hostname, port: lab.port, method: req.method, path: req.url, headers: req.headers },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sha256,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
