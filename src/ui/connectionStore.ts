// Connections from the workspace's .vmbackup/connections.yaml; passwords only in SecretStorage; cached connected providers.
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CONNECTIONS_FILE,
  loadConnections,
  passwordFromEnv,
  saveConnections,
  setConnectionKey,
} from '../core/connections';
import { CancelledError, VendorError } from '../core/errors';
import { ConnectionProfile, VcbHostProfile } from '../core/model';
import { Provider } from '../core/provider';
import { mask, registerSecret } from '../core/secrets';
import { createProvider } from '../providers';

export const secretKey = (name: string) => `vmbackup.password.${name}`;

export class ConnectionStore implements vscode.Disposable {
  private profiles: ConnectionProfile[] = [];
  private loadErrors: string[] = [];
  /** connections.yaml is read (yaml + ajv loaded) on the first read of the list, not at activation. */
  private loaded = false;
  private readonly providers = new Map<string, Promise<Provider>>();
  private readonly emitter = new vscode.EventEmitter<void>();
  private readonly loadEmitter = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.emitter, this.loadEmitter];
  /** Fires when the connection list changed (file edited, folders changed). */
  readonly onDidChange = this.emitter.event;
  /** Fires after every read of connections.yaml, the first (lazy) one included. */
  readonly onDidLoad = this.loadEmitter.event;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (folder) {
      const watcher = vscode.workspace.createFileSystemWatcher(
        new vscode.RelativePattern(folder, CONNECTIONS_FILE.split(path.sep).join('/')),
      );
      const onChange = () => {
        this.reload();
        this.emitter.fire();
      };
      this.disposables.push(
        watcher,
        watcher.onDidChange(onChange),
        watcher.onDidCreate(onChange),
        watcher.onDidDelete(onChange),
      );
    }
    this.disposables.push(
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.reload();
        this.emitter.fire();
      }),
    );
  }

  get workspaceRoot(): string | undefined {
    return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  }
  get connections(): readonly ConnectionProfile[] {
    if (!this.loaded) this.reload();
    return this.profiles;
  }
  get errors(): readonly string[] {
    if (!this.loaded) this.reload();
    return this.loadErrors;
  }
  get(name: string): ConnectionProfile | undefined {
    return this.connections.find((p) => p.name === name);
  }

  reload(): void {
    this.loaded = true;
    const root = this.workspaceRoot;
    const { connections, errors } = root ? loadConnections(root) : { connections: [], errors: [] };
    this.profiles = connections;
    this.loadErrors = errors;
    for (const e of errors) this.log.warn(mask(`${CONNECTIONS_FILE}: ${e}`));
    this.log.info(`${CONNECTIONS_FILE}: ${connections.length} connection(s)`);
    this.loadEmitter.fire();
    // Providers of removed or changed connections are dropped.
    for (const name of [...this.providers.keys()]) {
      const p = this.get(name);
      this.providers.get(name)?.then(
        (prov) => {
          if (!p || JSON.stringify(p) !== JSON.stringify(prov.profile)) {
            this.forget(name);
          }
        },
        () => undefined,
      );
    }
  }

  /** Backup repository folder of a connection: profile.repository (relative to the workspace) or vmbackup.defaultRepository. */
  repositoryFor(name?: string): string | undefined {
    const configured =
      (name ? this.get(name)?.repository : undefined) ||
      vscode.workspace.getConfiguration('vmbackup').get<string>('defaultRepository') ||
      undefined;
    if (!configured) return undefined;
    return path.isAbsolute(configured) ? configured : path.resolve(this.workspaceRoot ?? process.cwd(), configured);
  }

  /** A connected provider for the connection, created once and cached. */
  provider(name: string): Promise<Provider> {
    let p = this.providers.get(name);
    if (!p) {
      p = this.connect(name);
      this.providers.set(name, p);
      p.catch(() => {
        if (this.providers.get(name) === p) this.providers.delete(name);
      });
    }
    return p;
  }

  /**
   * The connections already connected or connecting, with their providers, in the order they were first used. Never
   * starts a login, and does not read connections.yaml.
   */
  connected(): [string, Promise<Provider>][] {
    return [...this.providers];
  }

  private async connect(name: string): Promise<Provider> {
    const profile = this.get(name);
    if (!profile) throw new Error(`connection "${name}" is not defined in ${CONNECTIONS_FILE}`);
    const password = await this.password(profile);
    const provider = await createProvider(profile, { password });
    this.log.info(mask(`connecting to "${name}" (${profile.url}) as ${profile.username}`));
    try {
      await provider.connect();
    } catch (err) {
      // The message and the vendor code only: an error object of the HTTP client carries the request (the login body).
      const code = err instanceof VendorError ? ` (${err.code})` : '';
      this.log.error(
        mask(
          `login to "${name}" (${profile.url}) as ${profile.username} failed: ${(err as Error)?.message ?? String(err)}${code}`,
        ),
      );
      // A rejected login must not be replayed from SecretStorage: the next attempt prompts again.
      if (err instanceof VendorError && err.code === 'SESSION_AUTHENTICATION_FAILED')
        await this.secrets.delete(secretKey(name));
      throw err;
    }
    this.log.info(`connected to "${name}"`);
    return provider;
  }

  /** The connection's password: SecretStorage, else the environment (headless starts), else asked once and stored. */
  async password(profile: ConnectionProfile): Promise<string> {
    let password = await this.secrets.get(secretKey(profile.name));
    // Headless starts (the demo, CI) hand a password over in the environment, as the CLI takes it; it moves into SecretStorage.
    const fromEnv = password ? undefined : passwordFromEnv(profile.name);
    if (fromEnv) {
      password = fromEnv;
      await this.secrets.store(secretKey(profile.name), password);
    }
    if (!password) {
      password = await vscode.window.showInputBox({
        title: `Password for ${profile.username} on "${profile.name}"`,
        prompt: profile.url,
        password: true,
        ignoreFocusOut: true,
      });
      if (!password) throw new CancelledError();
      await this.secrets.store(secretKey(profile.name), password);
    }
    registerSecret(password);
    return password;
  }

  async add(profile: ConnectionProfile, password: string): Promise<void> {
    const root = this.requireRoot();
    await this.storePassword(profile.name, password);
    saveConnections(root, [...this.connections.filter((p) => p.name !== profile.name), profile]);
    this.reload();
    this.emitter.fire();
  }

  /** Pins a certificate thumbprint on a connection in connections.yaml (comments kept); the next use reconnects with it. */
  pinThumbprint(name: string, thumbprint: string): void {
    setConnectionKey(this.requireRoot(), name, 'thumbprint', thumbprint);
    this.forget(name);
    this.reload();
    this.emitter.fire();
  }

  /**
   * Writes a connection's VCB hosts (Add VCB Host…, a pinned SSH host key) into connections.yaml, comments kept; the
   * file must still validate.
   */
  setVcbHosts(name: string, hosts: VcbHostProfile[]): void {
    setConnectionKey(this.requireRoot(), name, 'vcbHosts', hosts);
    this.reload();
    this.emitter.fire();
  }

  /** Replaces a connection's stored password (e.g. moved out of a VCB file); the next use reconnects with it. */
  async storePassword(name: string, password: string): Promise<void> {
    registerSecret(password);
    await this.secrets.store(secretKey(name), password);
    this.forget(name);
  }

  /** Whether SecretStorage holds exactly this password for the connection (compares without handing the secret out). */
  async storedPasswordIs(name: string, candidate: string): Promise<boolean> {
    return (await this.secrets.get(secretKey(name))) === candidate;
  }

  async remove(name: string): Promise<void> {
    const root = this.requireRoot();
    saveConnections(
      root,
      this.connections.filter((p) => p.name !== name),
    );
    await this.secrets.delete(secretKey(name));
    this.forget(name);
    this.reload();
    this.emitter.fire();
  }

  /** Drops the cached provider (and its stored password when the login failed). */
  forget(name: string): void {
    const p = this.providers.get(name);
    this.providers.delete(name);
    p?.then(
      (prov) => prov.disconnect(),
      () => undefined,
    ).catch(() => undefined);
  }

  private requireRoot(): string {
    const root = this.workspaceRoot;
    if (!root)
      throw new Error('Open a workspace folder first: connections are stored in its .vmbackup/connections.yaml');
    return root;
  }

  dispose(): void {
    for (const name of [...this.providers.keys()]) this.forget(name);
    for (const d of this.disposables) d.dispose();
  }
}
