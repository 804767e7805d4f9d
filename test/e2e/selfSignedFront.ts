// An https front for the XAPI lab with a fresh self-signed certificate, like a stock XCP-ng host (stunnel in front of
// xapi): for the Pin This Certificate tests, in the extension host and in the UI script.
import { execFileSync } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface SelfSignedFront { url: string; sha256: string; close: () => Promise<void> }

/** An https front for the lab with a fresh self-signed certificate, like a stock XCP-ng host (stunnel in front of xapi). */
export async function selfSignedFront(labUrl: string): Promise<SelfSignedFront> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmbackup-e2e-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem'), '-days', '2', '-subj', '/CN=xcp-e2e'], { stdio: 'ignore' });
  const cert = fs.readFileSync(path.join(dir, 'c.pem'));
  const sha256 = createHash('sha256').update(new X509Certificate(cert).raw).digest('hex').toUpperCase().match(/../g)!.join(':');
  const lab = new URL(labUrl);
  const server = https.createServer({ key: fs.readFileSync(path.join(dir, 'k.pem')), cert }, (req, res) => {
    const up = http.request({ host: lab.hostname, port: lab.port, method: req.method, path: req.url, headers: req.headers }, (r) => { res.writeHead(r.statusCode ?? 502, r.headers); r.pipe(res); });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, sha256,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); fs.rmSync(dir, { recursive: true, force: true }); }),
  };
}

