// The VCB lab: the guide's service-console tools as stub programs (tools/*.js) on a real OpenSSH peer's PATH, acting
// on a running vcsim through vimhelper (govmomi). See README.md for what each behaviour follows and what is assumed.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SshdPeer, startSshdPeer } from '../../peers/openssh/sshdPeer';
import { goBuild } from '../../peers/vcsim/goBuild';

/** The tools the guide documents for the service console (plus vcbUtil for catalog editing, P.67). */
export const VCB_TOOLS = ['vcbMounter', 'vcbRestore', 'vcbVmName', 'vcbSnapAll', 'vcbResAll', 'vcbCleanup', 'vcbUtil'];

export interface VcbLabOptions {
  /** vcsim's /sdk URL, user and password (backuptools.conf VCHOST, USERNAME, PASSWORD). */
  vchost: string;
  username: string;
  password: string;
  /** false: no PASSWORD line (the tools prompt). Default true. */
  passwordInFile?: boolean;
  /** Mode of backuptools.conf; default 0o600 (root-only on a real service console). */
  confMode?: number;
  /** More backuptools.conf lines (SNAPSHOT_POLICY=…, MAX_RETRIES=…). */
  confExtra?: string[];
  /** Lab pacing: ms per MiB written by vcbMounter (lets a test cancel mid-backup); writeConf changes it too. */
  delayMsPerMiB?: number;
  /** Extent size of split .vmdk (default 64 KiB in the lab, so small disks split). */
  extentBytes?: number;
  /** Reuse a peer (e.g. to share one sshd). */
  peer?: SshdPeer;
}

export interface VcbLab {
  peer: SshdPeer;
  /** Where the tools read backuptools.conf: <etc>/vmware/backuptools.conf. */
  confPath: string;
  /** Job records for vcbCleanup. */
  state: string;
  /** A folder the peer's user owns, for backup destinations. */
  backups: string;
  /** Lab fault: each line in this file makes one snapshot creation fail "resource busy" (the tools consume them). */
  busyFile: string;
  /** The next `n` snapshot creations fail "resource busy". */
  setBusy(n: number): void;
  /**
   * An scp destination host name the peer's user reaches without a password (the guide P.63: RSA key-based): the
   * same sshd, through the user's ~/.ssh/config (port, key, pinned known_hosts). Use `scp://<user>@<scpHost>:<path>`.
   */
  scpHost: string;
  /** Rewrites backuptools.conf. */
  writeConf(o: Partial<VcbLabOptions>): void;
  stop(): Promise<void>;
}

/** Builds vimhelper once per process (build.sh: Debian govmomi, no network). */
export function buildVimHelper(): string {
  return goBuild(path.join(repoRoot(), 'test', 'lab', 'vcb', 'build.sh'));
}

/** Installs the tools into an sshd peer (a new one unless given) and writes backuptools.conf. */
export async function startVcbLab(opts: VcbLabOptions): Promise<VcbLab> {
  const helper = buildVimHelper();
  const peer = opts.peer ?? (await startSshdPeer());
  const lab = path.join(peer.dir, 'vcb');
  const tools = path.join(lab, 'tools');
  fs.mkdirSync(tools, { recursive: true, mode: 0o755 });
  const src = path.join(repoRoot(), 'test', 'lab', 'vcb', 'tools');
  for (const f of fs.readdirSync(src)) fs.copyFileSync(path.join(src, f), path.join(tools, f));
  fs.copyFileSync(helper, path.join(lab, 'vimhelper'));
  fs.chmodSync(path.join(lab, 'vimhelper'), 0o755);
  const etc = path.join(peer.files, 'etc');
  const state = path.join(peer.files, 'vcb-state');
  const backups = path.join(peer.files, 'backups');
  const busyFile = path.join(peer.files, 'busy');
  for (const d of [path.join(etc, 'vmware'), state, backups]) fs.mkdirSync(d, { recursive: true });
  const env = [
    `VCB_LAB_ETC=${sq(etc)}`,
    `VCB_LAB_STATE=${sq(state)}`,
    `VCB_LAB_HELPER=${sq(path.join(lab, 'vimhelper'))}`,
    `VCB_LAB_DELAY_FILE=${sq(path.join(peer.files, 'delay-ms'))}`,
    `VCB_LAB_EXTENT_BYTES=${opts.extentBytes ?? 64 * 1024}`,
    `VCB_LAB_BUSY_FILE=${sq(busyFile)}`,
  ].join(' ');
  for (const t of VCB_TOOLS) peer.addTool(t, `#!/bin/sh\n${env} exec node ${sq(path.join(tools, `${t}.js`))} "$@"\n`);
  const confPath = path.join(etc, 'vmware', 'backuptools.conf');
  let current = { ...opts };
  const writeConf = (o: Partial<VcbLabOptions>) => {
    current = { ...current, ...o };
    const lines = [
      '# backuptools.conf (VCB lab): parsed as a Bourne shell script by the tools',
      `VCHOST="${current.vchost}"`,
      `USERNAME="${current.username}"`,
      ...(current.passwordInFile === false ? [] : [`PASSWORD=${sq(current.password)}`]),
      `TEMPDIR="${path.join(peer.files, 'tmp')}"`,
      ...(current.confExtra ?? []),
      '',
    ];
    fs.writeFileSync(confPath, lines.join('\n'));
    fs.writeFileSync(path.join(peer.files, 'delay-ms'), String(current.delayMsPerMiB ?? 0));
    fs.chmodSync(confPath, current.confMode ?? 0o600);
  };
  writeConf({});
  fs.mkdirSync(path.join(peer.files, 'tmp'), { recursive: true });
  execFileSync('chown', ['-R', peer.user, peer.files]);
  setUpScpTarget(peer);
  return {
    peer,
    confPath,
    state,
    backups,
    busyFile,
    scpHost: SCP_HOST,
    setBusy: (n) => {
      fs.writeFileSync(busyFile, 'busy\n'.repeat(n));
      execFileSync('chown', [peer.user, busyFile]);
    },
    writeConf: (o) => {
      writeConf(o);
      execFileSync('chown', [peer.user, confPath]);
    },
    stop: () => (opts.peer ? Promise.resolve() : peer.stop()),
  };
}

const SCP_HOST = 'vcb-scp-target';

/** ~/.ssh of the peer's user (its home is the peer's folder): config for SCP_HOST, its key, the sshd's host key pinned. */
function setUpScpTarget(peer: SshdPeer): void {
  const dotSsh = path.join(peer.dir, '.ssh');
  fs.mkdirSync(dotSsh, { mode: 0o700 });
  fs.writeFileSync(path.join(dotSsh, 'id_ed25519'), peer.privateKey, { mode: 0o600 });
  const hostPub = fs
    .readFileSync(path.join(peer.dir, 'host_key.pub'), 'utf8')
    .trim()
    .split(/\s+/)
    .slice(0, 2)
    .join(' ');
  fs.writeFileSync(path.join(dotSsh, 'known_hosts'), `[${peer.host}]:${peer.port} ${hostPub}\n`, { mode: 0o600 });
  fs.writeFileSync(
    path.join(dotSsh, 'config'),
    [
      `Host ${SCP_HOST}`,
      `  HostName ${peer.host}`,
      `  Port ${peer.port}`,
      `  IdentityFile ${path.join(dotSsh, 'id_ed25519')}`,
      `  UserKnownHostsFile ${path.join(dotSsh, 'known_hosts')}`,
      '  StrictHostKeyChecking yes',
      '  BatchMode yes',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  execFileSync('chown', ['-R', peer.user, dotSsh]);
}

function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
}
