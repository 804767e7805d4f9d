// The VCB hosts this window talks to: one VcbProvider (SSH session + backuptools.conf) per VCB host of a VMware
// connection, opened on first use with the connection's vCenter client, and the file-level mounts made from them
// (unmounted by Unmount, and all of them when the extension is deactivated).
import * as fs from 'node:fs';
import { expandHome } from '../core/homePath';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { CancelledError, UntrustedCertificateError } from '../core/errors';
import { JobContext } from '../core/job';
import { JobManager } from '../core/jobManager';
import { ConnectionProfile, VcbHostProfile } from '../core/model';
import { mask, registerSecret } from '../core/secrets';
// The VCB provider and the SSH transport are loaded by the first session opened (dist/platforms.js), not at activation.
import type { VcbProvider, VcbSecrets } from '../providers/vcb/vcbProvider';
import type { VcbMount } from '../providers/vcb/vcbFileLevel';
import type { VimClient } from '../providers/vmware/vimClient';
import { vcbHostId } from '../views/vcbNodeTypes';
import { ConnectionStore } from './connectionStore';

/** SecretStorage key of a VCB host's SSH password (never in connections.yaml). */
export const sshSecretKey = (connection: string, hostId: string) => `vmbackup.sshPassword.${connection}.${hostId}`;

/** The vcbMounter -m transports (guide P.60); '' in the setting: the host's `transport:`, else nbd. */
export const VCB_TRANSPORTS = ['nbd', 'nbdssl', 'cos', 'san', 'hotadd'] as const;

/** A file-level mount made by this window. */
export interface OpenMount {
  id: string;
  connection: string;
  host: VcbHostProfile;
  provider: VcbProvider;
  mount: VcbMount;
}

export class VcbSessions implements vscode.Disposable {
  private readonly providers = new Map<string, { host: string; provider: Promise<VcbProvider> }>();
  readonly mounts = new Map<string, OpenMount>();
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when a mount came or went. */
  readonly onDidChangeMounts = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];

  constructor(
    private readonly connections: ConnectionStore,
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
    private readonly jobs: JobManager,
  ) {
    // A host whose entry changed (a pinned key, another user) or was removed reconnects; so does every host when the
    // transport setting changes (vcbMounter -m is taken when the host is opened).
    this.disposables.push(
      connections.onDidChange(() => {
        for (const [key, v] of this.providers) {
          const [connection, hostId] = splitKey(key);
          const now = connections.get(connection)?.vcbHosts?.find((h) => vcbHostId(h) === hostId);
          if (!now || JSON.stringify(now) !== v.host) this.forgetKey(key);
        }
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('vmbackup.vcb.transport'))
          for (const key of [...this.providers.keys()]) this.forgetKey(key);
      }),
    );
  }

  /** The connection's profile and its VCB host `hostId` (`host:port`). @throws when either is gone. */
  hostOf(connection: string, hostId: string): { profile: ConnectionProfile; host: VcbHostProfile } {
    const profile = this.connections.get(connection);
    const host = profile?.vcbHosts?.find((h) => vcbHostId(h) === hostId);
    if (!profile || !host) throw new Error(`connection "${connection}" has no VCB host ${hostId}`);
    return { profile, host };
  }

  /**
   * The open VcbProvider of a VCB host, connected once (SSH with the pinned host key, backuptools.conf read) with the
   * connection's vSphere client. @throws UntrustedCertificateError (SSH_HOST_KEY_UNKNOWN / _MISMATCH) and the
   * provider's errors; a failed open is not kept.
   */
  provider(connection: string, hostId: string): Promise<VcbProvider> {
    const key = `${connection}\n${hostId}`;
    const known = this.providers.get(key);
    if (known) return known.provider;
    const { host } = this.hostOf(connection, hostId);
    const provider = this.openProvider(connection, hostId);
    this.providers.set(key, { host: JSON.stringify(host), provider });
    provider.catch(() => {
      if (this.providers.get(key)?.provider === provider) this.providers.delete(key);
    });
    return provider;
  }

  /** Closes a host's session (the next use reconnects and reads backuptools.conf again). */
  forget(connection: string, hostId: string): void {
    this.forgetKey(`${connection}\n${hostId}`);
  }

  /**
   * The fingerprint of the SSH host key `host` presents, read by a connection attempt with nothing pinned (the key is
   * checked before authentication, so no credentials are sent). @throws when the host cannot be reached.
   */
  async presentedHostKey(connection: string, host: VcbHostProfile, signal?: AbortSignal): Promise<string> {
    const { SshSession } = await import('../transport/ssh');
    try {
      const s = await SshSession.connect(
        { label: connection, host: host.host, port: host.port, username: host.username },
        signal,
      );
      await s.close();
    } catch (e) {
      if (e instanceof UntrustedCertificateError && e.code === 'SSH_HOST_KEY_UNKNOWN') return e.thumbprint;
      throw e;
    }
    throw new Error(`${host.host}: the SSH server accepted a connection with no host key pinned`);
  }

  /** Records a mount made on a host; its id names it in vmbackup-vcb: URIs. */
  addMount(connection: string, host: VcbHostProfile, provider: VcbProvider, mount: VcbMount): OpenMount {
    const m: OpenMount = { id: randomBytes(6).toString('hex'), connection, host, provider, mount };
    this.mounts.set(m.id, m);
    this.emitter.fire();
    return m;
  }

  /** Unmounts (vcbMounter -U) and forgets a mount; forgotten even when the unmount fails (its error is thrown). */
  async unmount(id: string, ctx: JobContext): Promise<void> {
    const m = this.mounts.get(id);
    if (!m) return;
    try {
      await m.mount.unmount(ctx);
    } finally {
      this.mounts.delete(id);
      this.emitter.fire();
    }
  }

  private closing?: Promise<void>;

  /** The window closes: every mount is unmounted (best effort, each logged), then the sessions close. Once. */
  closeAll(): Promise<void> {
    this.closing ??= this.unmountAllAndClose();
    return this.closing;
  }

  private async unmountAllAndClose(): Promise<void> {
    const ctx: JobContext = {
      signal: AbortSignal.timeout(60_000),
      progress: () => undefined,
      log: (l) => this.log.info(mask(l)),
    };
    for (const id of [...this.mounts.keys()]) {
      const m = this.mounts.get(id)!;
      await this.unmount(id, ctx).then(
        () => this.log.info(`unmounted ${m.mount.mountPoint} on ${m.host.host} (window closed)`),
        (e: Error) => this.log.warn(mask(`unmount of ${m.mount.mountPoint} on ${m.host.host} failed: ${e.message}`)),
      );
    }
    for (const key of [...this.providers.keys()]) this.forgetKey(key);
  }

  dispose(): void {
    void this.closeAll();
    for (const d of this.disposables) d.dispose();
  }

  private forgetKey(key: string): void {
    const v = this.providers.get(key);
    this.providers.delete(key);
    v?.provider
      .then(
        (p) => p.close(),
        () => undefined,
      )
      .catch(() => undefined);
  }

  private async openProvider(connection: string, hostId: string): Promise<VcbProvider> {
    const { profile, host } = this.hostOf(connection, hostId);
    const vmware = await this.connections.provider(connection);
    const vim = (vmware as unknown as { vim?: VimClient }).vim;
    const transport = vscode.workspace.getConfiguration('vmbackup').get<string>('vcb.transport') || host.transport;
    const secrets: VcbSecrets = { vcenterPassword: await this.connections.password(profile) };
    if (host.privateKeyFile) secrets.sshPrivateKey = fs.readFileSync(expandHome(host.privateKeyFile));
    else secrets.sshPassword = await this.sshPassword(connection, host);
    const opened = { ...host, transport: transport as VcbHostProfile['transport'], privateKeyFile: undefined };
    this.log.info(`connecting to VCB host ${hostId} of "${connection}" as ${host.username}`);
    try {
      const { VcbProvider } = await import('../providers/vcb/vcbProvider');
      return await VcbProvider.open(profile, opened, secrets, vim);
    } catch (e) {
      this.log.error(mask(`VCB host ${hostId} of "${connection}": ${(e as Error).message}`));
      // A refused SSH password is not replayed: the next attempt asks again.
      if (/SSH authentication refused/.test((e as Error).message))
        await this.secrets.delete(sshSecretKey(connection, hostId));
      throw e;
    }
  }

  /** The SSH password: SecretStorage, else asked once (and kept there). */
  private async sshPassword(connection: string, host: VcbHostProfile): Promise<string> {
    const key = sshSecretKey(connection, vcbHostId(host));
    let password = await this.secrets.get(key);
    if (!password) {
      password = await vscode.window.showInputBox({
        title: `SSH password for ${host.username} on VCB host ${vcbHostId(host)} ("${connection}")`,
        prompt: 'Kept in SecretStorage; or set privateKeyFile on the VCB host in connections.yaml',
        password: true,
        ignoreFocusOut: true,
      });
      if (!password) throw new CancelledError();
      await this.secrets.store(key, password);
    }
    registerSecret(password);
    return password;
  }
}

function splitKey(key: string): [string, string] {
  const i = key.indexOf('\n');
  return [key.slice(0, i), key.slice(i + 1)];
}
