// Installs the Oracle VM Manager host (guide §12.1 layout) into a real OpenSSH peer: .config, /etc/sysconfig/ovmm, the
// tools BackupDatabase and RestoreDatabase.sh, `service`, a MySQL data directory and DBBACKUP, all under the peer's
// files/ and owned by its user; the tools drive the REST lab through its admin hook (test/lab/ovm/admin.ts).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OvmLab } from '../../lab/ovm';
import { OvmLabAdmin, dumpState, startOvmAdmin, writeBackup } from '../../lab/ovm/admin';
import { SshdPeer } from '../openssh/sshdPeer';
import { ManagerHostSettings } from '../../../src/providers/oraclevm/manager/managerHost';

export interface OvmmHost {
  admin: OvmLabAdmin;
  /** Settings for the product: the peer's Oracle base, sysconfig and service stub. */
  settings: ManagerHostSettings;
  oracleHome: string;
  dbbackup: string;
  datadir: string;
  /** One JSON line per stub call: tool, argv, the process's /proc cmdline (what `ps` shows). */
  log(): Array<{ tool: string; argv: string[]; cmdline: string }>;
  /** An AutoFullBackup-MMDDYYYY_hhmmss of the current lab state, dated `ageSeconds` ago; returns its name. */
  addAutoBackup(ageSeconds: number, version?: string): string;
  /** How long `service ovmm start` keeps the Manager STARTING before RUNNING, ms (tests may flip it earlier). */
  setStartingMs(ms: number): void;
  /** Seconds RestoreDatabase.sh pauses after `INFO: Restoring the backup...` (a window to kill the client in). */
  setRestoreDelay(seconds: number): void;
  /** The Manager version in .config (BUILDID) that RestoreDatabase.sh checks backups against. */
  setInstalledVersion(v: string): void;
  close(): Promise<void>;
}

export const MANAGER_UUID = '0004fb00000100002cb7f2dffa8d8a11';

export async function installOvmmTools(
  peer: SshdPeer,
  lab: OvmLab,
  opts: { version?: string; startingMs?: number; username?: string; password?: string } = {},
): Promise<OvmmHost> {
  const version = opts.version ?? '3.4.6.2105';
  const admin = await startOvmAdmin(lab, { username: opts.username, password: opts.password });
  const oracleHome = path.join(peer.files, 'u01/app/oracle');
  const toolsBin = path.join(oracleHome, 'ovm-manager-3/ovm_tools/bin');
  const dbbackup = path.join(oracleHome, 'mysql/dbbackup');
  const datadir = path.join(oracleHome, 'mysql/data');
  const sysconfig = path.join(peer.files, 'etc/sysconfig/ovmm');
  const stubDir = path.join(peer.dir, 'ovmm');
  for (const d of [toolsBin, dbbackup, datadir, path.dirname(sysconfig), stubDir]) fs.mkdirSync(d, { recursive: true });
  const configFile = path.join(oracleHome, 'ovm-manager-3/.config');
  const writeConfig = (v: string) =>
    fs.writeFileSync(
      configFile,
      `DBTYPE=MySQL\nDBHOST=localhost\nSID=ovs\nLSNR=49500\nOVSSCHEMA=ovs\nAPEX=None\nWLSADMIN=weblogic\nOVSADMIN=admin\nCOREPORT=54321\nUUID=${MANAGER_UUID}\nBUILDID=${v}\n`,
    );
  writeConfig(version);
  fs.writeFileSync(
    sysconfig,
    `DBBACKUP=${dbbackup}\nDBBACKUP_CMD=/opt/mysql/meb-4.1/bin/mysqlbackup\nUUID=${MANAGER_UUID}\n`,
  );
  for (const item of ['appfw', 'mysql', 'ovs', 'performance_schema']) fs.mkdirSync(path.join(datadir, item));
  for (const item of ['ibdata1', 'ib_logfile0', 'ib_logfile1']) fs.writeFileSync(path.join(datadir, item), '');
  fs.writeFileSync(path.join(datadir, 'ovs/ovm-lab-state.json'), JSON.stringify(dumpState(lab)));
  const ldap = path.join(oracleHome, 'ovm-manager-3/domains/ovm_domain/servers/AdminServer/data/ldap');
  fs.mkdirSync(path.join(ldap, 'ldapfiles'), { recursive: true });
  fs.writeFileSync(path.join(ldap, 'ldapfiles/EmbeddedLDAP.data'), 'weblogic users\n');
  const log = path.join(peer.files, 'ovmm-tools.log');
  for (const f of ['ovmm_stub.py', 'lab_admin.py'])
    fs.copyFileSync(path.join(repoRoot(), 'test/peers/ovmm-tools', f), path.join(stubDir, f));
  const tunables = { startingMs: opts.startingMs ?? 300, restoreDelay: 0 };
  const stubConfig = () =>
    fs.writeFileSync(
      path.join(stubDir, 'ovmm-lab.json'),
      JSON.stringify({
        admin: admin.url,
        config: configFile,
        dbbackup,
        datadir,
        services: path.join(peer.files, 'ovmm-services.json'),
        log,
        ...tunables,
      }),
    );
  stubConfig();
  const wrapper = (tool: string) =>
    `#!/bin/sh\nexec /usr/bin/python3 ${path.join(stubDir, 'ovmm_stub.py')} '${tool}' "$@"\n`;
  const exe = (file: string, text: string) => {
    fs.writeFileSync(file, text);
    fs.chmodSync(file, 0o755);
  };
  exe(path.join(toolsBin, 'BackupDatabase'), wrapper('BackupDatabase'));
  exe(path.join(toolsBin, 'RestoreDatabase.sh'), wrapper('RestoreDatabase.sh'));
  peer.addTool('service', wrapper('service'));
  execFileSync('chown', ['-R', peer.user, path.join(peer.files, 'u01'), path.join(peer.files, 'etc')]);
  const uid = Number(execFileSync('id', ['-u', peer.user], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', peer.user], { encoding: 'utf8' }).trim());
  return {
    admin,
    settings: {
      host: peer.host,
      port: peer.port,
      username: peer.user,
      hostKey: peer.hostKeyFingerprint,
      oracleHome,
      sysconfig,
      service: path.join(peer.bin, 'service'),
    },
    oracleHome,
    dbbackup,
    datadir,
    log: () =>
      fs.existsSync(log)
        ? fs
            .readFileSync(log, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l))
        : [],
    addAutoBackup(ageSeconds, v = version) {
      const p = (n: number) => String(n).padStart(2, '0');
      const nameAt = (t: Date) =>
        `AutoFullBackup-${p(t.getMonth() + 1)}${p(t.getDate())}${t.getFullYear()}_${p(t.getHours())}${p(t.getMinutes())}${p(t.getSeconds())}`;
      // Names have a resolution of one second: two backups asked for the same second get the one before.
      let when = new Date(Date.now() - ageSeconds * 1000);
      while (fs.existsSync(path.join(dbbackup, nameAt(when)))) when = new Date(when.getTime() - 1000);
      const name = nameAt(when);
      const dir = path.join(dbbackup, name);
      fs.mkdirSync(dir);
      writeBackup(dir, dumpState(lab), v, { uid, gid });
      fs.chownSync(dir, uid, gid);
      fs.utimesSync(dir, when, when);
      return name;
    },
    setStartingMs: (ms) => {
      tunables.startingMs = ms;
      stubConfig();
    },
    setRestoreDelay: (seconds) => {
      tunables.restoreDelay = seconds;
      stubConfig();
    },
    setInstalledVersion: (v) => {
      writeConfig(v);
      fs.chownSync(configFile, uid, gid);
    },
    close: () => admin.close(),
  };
}

/** The repository's root (the first folder up with a package.json): from out/test/… as from dist/ (`vmbackup lab`). */
/** The product's checkout (the folder with package.json above this file, compiled or not). */
export function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
}
