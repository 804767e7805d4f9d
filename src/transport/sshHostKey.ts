// SSH host-key pinning: the server's key is trusted only when its fingerprint is the one the user confirmed.
import { createHash } from 'node:crypto';
import { UntrustedCertificateError } from '../core/errors';

/**
 * The fingerprint of a host key as OpenSSH prints it (`ssh-keygen -lf`, the `ECDSA key fingerprint is SHA256:…`
 * prompt): `SHA256:` then the unpadded base64 of the SHA-256 of the key blob (RFC 4253 §6.6 encoding), as in
 * OpenSSH sshkey.c `sshkey_fingerprint_raw` + `fingerprint_b64`.
 */
export function sshFingerprint(keyBlob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '');
}

/**
 * A fingerprint as the user may paste it: `SHA256:abc…`, or the base64 alone; surrounding whitespace ignored.
 * @throws Error when it is not 43 base64 characters (a SHA-256), e.g. an MD5 `aa:bb:…` form.
 */
export function normaliseSshFingerprint(text: string): string {
  const b64 = text
    .trim()
    .replace(/^SHA256:/i, '')
    .replace(/=+$/, '');
  if (!/^[A-Za-z0-9+/]{43}$/.test(b64))
    throw new Error(`not an OpenSSH SHA256 host-key fingerprint: ${JSON.stringify(text.slice(0, 80))}`);
  return 'SHA256:' + b64;
}

/** What the user runs on the server to see its host-key fingerprints and compare them with the one shown. */
export const SSH_HOW_TO_CHECK = 'for k in /etc/ssh/ssh_host_*_key.pub; do ssh-keygen -lf "$k"; done';

/**
 * The same error as an unverified TLS certificate (UntrustedCertificateError): the host, and the fingerprint it
 * presented in `thumbprint`, for the user to check and pin. `code` is SSH_HOST_KEY_UNKNOWN (nothing pinned: first
 * contact) or SSH_HOST_KEY_MISMATCH (a different key than the pinned one: refuse, it may be an impostor).
 */
export function untrustedHostKey(
  where: string,
  host: string,
  presented: string,
  pinned: string | undefined,
): UntrustedCertificateError {
  const message = pinned
    ? `${where}: SSH host key changed: pinned ${pinned}, the server presented ${presented}. Refused; if the host was reinstalled, check the new key on it and pin it again`
    : `${where}: SSH host key not trusted yet: the server presented ${presented}. Check it on the host and pin it`;
  return new UntrustedCertificateError(
    message,
    pinned ? 'SSH_HOST_KEY_MISMATCH' : 'SSH_HOST_KEY_UNKNOWN',
    host,
    presented,
    SSH_HOW_TO_CHECK,
  );
}
