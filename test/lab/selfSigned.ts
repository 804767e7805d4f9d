// A fresh self-signed certificate, like the one every XCP-ng host makes at install: for the TLS labs and tests.
import { execFileSync } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../tempDir';

/** The key and certificate (PEM) and the certificate's thumbprints, upper-case hex with colons as `openssl -fingerprint` prints them. */
export interface SelfSigned {
  key: Buffer;
  cert: Buffer;
  sha1: string;
  sha256: string;
}

export function selfSigned(name: string): SelfSigned {
  const dir = tempDir('vmbackup-cert-');
  try {
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '2',
        '-subj',
        `/CN=${name}`,
      ],
      { stdio: 'ignore' },
    );
    const cert = fs.readFileSync(certFile);
    const raw = new X509Certificate(cert).raw;
    const hex = (algorithm: string) =>
      createHash(algorithm).update(raw).digest('hex').toUpperCase().match(/../g)!.join(':');
    return { key: fs.readFileSync(keyFile), cert, sha1: hex('sha1'), sha256: hex('sha256') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
