// What every `vcb-*` verb shares: the VMware connection, its VCB host over SSH, the vCenter client, a terminal job
// context, and a terminal answer to a tool's question.
import * as readline from 'node:readline';
import { Args } from './args';
import { connectionProfile, sshPasswordFromEnv } from './session';
import { passwordEnvName, passwordFromEnv } from '../core/connections';
import { VmwareProvider } from '../providers/vmware/vmwareProvider';
import { VcbProvider, vcbHostOf } from '../providers/vcb/vcbProvider';
import { VsphereVm } from '../providers/vmware/vmwareRecords';
import { readInventory } from '../providers/vmware/vmwareInventory';
import { printable } from './printable';
import { endStatusLines } from './statusLine';
import * as path from 'node:path';

/**
 * Opens the connection's vSphere client and its VCB host (`--vcb-host`, else the first of vcbHosts). The vCenter
 * password: VMBACKUP_PASSWORD_<CONNECTION> / VMBACKUP_PASSWORD (it answers the tools' prompt when backuptools.conf has
 * no PASSWORD); SSH: the profile's privateKeyFile, else VMBACKUP_SSH_PASSWORD[_<CONNECTION>].
 */
export async function withVcb<T>(a: Args, fn: (vcb: VcbProvider, vmware: VmwareProvider) => Promise<T>): Promise<T> {
  const ws = path.resolve(String(a.flags.workspace ?? process.cwd()));
  const profile = connectionProfile(ws, typeof a.flags.connection === 'string' ? a.flags.connection : undefined);
  const host = vcbHostOf(profile, typeof a.flags['vcb-host'] === 'string' ? a.flags['vcb-host'] : undefined);
  const password = passwordFromEnv(profile.name);
  if (password === undefined)
    throw new Error(
      `no vCenter password for "${profile.name}": set ${passwordEnvName(profile.name)} or VMBACKUP_PASSWORD`,
    );
  const vmware = new VmwareProvider(profile, { password });
  await vmware.connect();
  try {
    const vcb = await VcbProvider.open(
      profile,
      host,
      { vcenterPassword: password, sshPassword: sshPasswordFromEnv(profile.name) },
      vmware.vim,
    );
    try {
      return await fn(vcb, vmware);
    } finally {
      await vcb.close();
    }
  } finally {
    await vmware.disconnect();
  }
}

/** The repository of a vcb-* verb: --repository (relative to the workspace), else the connection's, else ./backups. */
export function vcbRepository(a: Args, connection: string): string {
  const ws = path.resolve(String(a.flags.workspace ?? process.cwd()));
  return typeof a.flags.repository === 'string'
    ? path.resolve(ws, a.flags.repository)
    : path.resolve(ws, connectionProfile(ws, connection).repository ?? 'backups');
}

/** The vSphere VM named (or with that BIOS uuid, instance uuid or moref), exactly one. */
export async function findVsphereVm(vmware: VmwareProvider, which: string): Promise<VsphereVm> {
  const hits = (await readInventory(vmware.vim)).vms.filter(
    (v) => !v.template && (v.name === which || v.uuid === which || v.instanceUuid === which || v.id === which),
  );
  if (hits.length !== 1)
    throw new Error(
      hits.length
        ? `"${which}" names ${hits.length} VMs: use the uuid or moref`
        : `no VM "${which}" on "${vmware.profile.name}"`,
    );
  return hits[0];
}

/** A tool's question answered on the terminal (stdin must be a TTY; otherwise no answer: the tool is ended). */
export function terminalAnswer(question: string): Promise<string | undefined> {
  if (!process.stdin.isTTY) return Promise.resolve(undefined);
  endStatusLines();
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    rl.question(`${printable(question)} `, (answer) => {
      rl.close();
      resolve(answer);
    });
  });
}
