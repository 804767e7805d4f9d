// One SSH session to a VCB host of a VMware connection, with its backuptools.conf read and checked.
import * as fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { ConnectionProfile, VcbHostProfile } from '../../core/model';
import { describeContext, ErrorContext } from '../../core/errors';
import { JobContext } from '../../core/job';
import { registerSecret } from '../../core/secrets';
import { ExecResult, SshSession } from '../../transport/ssh';
import { checkPasswordFileMode, DEFAULT_CONFIG_PATHS, readVcbConfig } from './vcbConfig';
import { VcbConfigFile } from './vcbRecords';
import { runTool, RunToolOptions } from './vcbRun';

/** Secrets of a VCB host: the vCenter password (answers the tools' prompt) and the SSH login's password or key. */
export interface VcbSecrets {
  /** The VMware connection's password (USERNAME of backuptools.conf must be the connection's user for it to be used). */
  vcenterPassword?: string;
  sshPassword?: string;
  sshPrivateKey?: string | Buffer;
  sshPassphrase?: string;
}

export class VcbHostSession {
  private constructor(
    readonly profile: ConnectionProfile,
    readonly host: VcbHostProfile,
    readonly ssh: SshSession,
    readonly config: VcbConfigFile,
    private readonly secrets: VcbSecrets,
  ) {}

  /**
   * Connects (host key pinned: unpinned or changed → UntrustedCertificateError with the presented fingerprint, code
   * SSH_HOST_KEY_UNKNOWN / SSH_HOST_KEY_MISMATCH), reads backuptools.conf and checks a PASSWORD in it is root-only.
   */
  static async open(
    profile: ConnectionProfile,
    host: VcbHostProfile,
    secrets: VcbSecrets,
    signal?: AbortSignal,
  ): Promise<VcbHostSession> {
    for (const s of [secrets.vcenterPassword, secrets.sshPassword, secrets.sshPassphrase]) registerSecret(s);
    const ssh = await SshSession.connect(
      {
        label: profile.name,
        host: host.host,
        port: host.port,
        username: host.username,
        password: secrets.sshPassword,
        privateKey: secrets.sshPrivateKey ?? (host.privateKeyFile ? fs.readFileSync(host.privateKeyFile) : undefined),
        passphrase: secrets.sshPassphrase,
        hostKey: host.hostKey,
      },
      signal,
    );
    try {
      const where = describeContext({ connection: profile.name, host: host.host });
      const config = await ssh.sftp((f) => readVcbConfig(f, host.configPaths ?? DEFAULT_CONFIG_PATHS, where));
      checkPasswordFileMode(config, where);
      return new VcbHostSession(profile, host, ssh, config, secrets);
    } catch (e) {
      await ssh.close();
      throw e;
    }
  }

  /** Where errors happen: the connection, the VCB host and the VM when there is one. */
  context(vm?: string): ErrorContext {
    return { connection: this.profile.name, host: this.host.host, vm };
  }
  where(vm?: string): string {
    return describeContext(this.context(vm));
  }

  /** The folder for staging on the VCB host: the profile's stagingDir, else TEMPDIR (P.58), else /tmp. */
  stagingRoot(): string {
    return this.host.stagingDir ?? this.config.settings.tempdir ?? '/tmp';
  }

  /** A fresh name under the staging root (nothing is created). */
  stagingPath(prefix: string): string {
    return `${this.stagingRoot().replace(/\/+$/, '')}/${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  }

  /**
   * The idle limit of a tool run, ms: the connection's idleTimeoutSeconds (default 300), but never shorter than the
   * tools' own retry wait (BACKOFF_TIME, 表 2-1) plus a minute, so a tool waiting to retry is not taken for stalled.
   */
  idleMs(): number {
    const base = (this.profile.idleTimeoutSeconds || 300) * 1000;
    return Math.max(base, (this.config.settings.backoffSeconds + 60) * 1000);
  }

  /** Runs a VCB tool (vcbRun.runTool) with this host's settings and the vCenter password for its prompt. */
  run(argv: string[], ctx: JobContext, vm?: string, o: Partial<RunToolOptions> = {}): Promise<ExecResult> {
    const s = this.config.settings;
    if (s.maxRetries > 0)
      ctx.log(
        `${argv[0]} retries a failed operation up to ${s.maxRetries} times, ${s.backoffSeconds} s apart (backuptools.conf MAX_RETRIES/BACKOFF_TIME)`,
      );
    return runTool(this.ssh, argv, {
      ctx,
      context: this.context(vm),
      settings: s,
      password: this.promptPassword(),
      idleMs: this.idleMs(),
      ...o,
    });
  }

  /** Removes a folder this tool made on the VCB host (`rm -rf -- <path>`, argv quoted); never anything else. */
  async removeOwnFolder(path: string): Promise<void> {
    if (!path.startsWith('/') || path.split('/').includes('..') || path.replace(/\/+$/, '') === '')
      throw new Error(`refusing to remove ${JSON.stringify(path)}`);
    const r = await this.ssh.exec(['rm', '-rf', '--', path], { idleMs: 120_000 });
    if (r.code !== 0) throw new Error(`${this.where()}: rm of ${path} failed: ${r.stderr.trim()}`);
  }

  async close(): Promise<void> {
    await this.ssh.close();
  }

  /** The vCenter password answers a prompt only when backuptools.conf names the connection's own user. */
  private promptPassword(): string | undefined {
    const s = this.config.settings;
    if (s.hasPassword) return undefined;
    if (s.username !== undefined && s.username !== this.profile.username) return undefined;
    return this.secrets.vcenterPassword;
  }
}
