// The VCB tools' command lines (argv only: SshSession quotes every element) and parsers of what they print.
// Options from the guide (shared/seeds/vmware-vcb-esx35-vm-backup-guide.ja.txt) P.60–68 and platform-facts §4d.
import { parse } from '../../formats';
import { FoundVm, VcbRestoreMode, VcbSettings, VcbVmRef } from './vcbRecords';

/** How the VM is named to the tools (guide P.61 仮想マシンの指定). */
export type SearchBy = 'uuid' | 'name' | 'moref' | 'ipaddr';

/**
 * The search specifier for one VM: `uuid:<bios uuid>`, `name:<display name>` (case-sensitive, P.60 注), `moref:<id>`
 * or `ipaddr:<address>`. The value is passed as one argv element, so shell metacharacters are harmless; a name with a
 * control character (a newline would split vcbVmName's line output) is refused.
 * @throws Error when the VM lacks the chosen identifier or the name holds a control character.
 */
export function searchSpec(vm: VcbVmRef, by: SearchBy): string {
  const value = by === 'name' ? vm.name : vm[by];
  if (!value) throw new Error(`VM "${vm.name}" has no ${by} to name it to VCB: choose another searchBy`);

  if (/[\x00-\x1f\x7f]/.test(value))
    throw new Error(`the ${by} of VM ${JSON.stringify(vm.name)} holds a control character: use searchBy uuid or moref`);
  return `${by}:${value}`;
}

/** `vcbMounter -a <spec> -r <dest> -t fullvm|file -m <transport>` (P.60); no -h/-u/-p: backuptools.conf has them. */
export function mounterArgs(spec: string, dest: string, type: 'fullvm' | 'file', transport: string): string[] {
  return ['vcbMounter', '-a', spec, '-r', dest, '-t', type, '-m', transport];
}

/** Unmount of a file-level mount (`vcbMounter -U <mount point>`; the option is the lab's, *assumed*). */
export function unmountArgs(mountPoint: string): string[] {
  return ['vcbMounter', '-U', mountPoint];
}

/** `vcbRestore -s <dir> [-a <alternate catalog>] -b <mode>` (P.65–68). */
export function restoreArgs(source: string, mode: VcbRestoreMode, catalog?: string): string[] {
  return ['vcbRestore', '-s', source, ...(catalog ? ['-a', catalog] : []), '-b', mode];
}

/** `vcbVmName -s <spec>` (P.62). */
export function vmNameArgs(spec: string): string[] {
  return ['vcbVmName', '-s', spec];
}

/** `vcbSnapAll -a <group spec> -r <existing dir> -m <transport>` (P.64). */
export function snapAllArgs(spec: string, dest: string, transport: string): string[] {
  return ['vcbSnapAll', '-a', spec, '-r', dest, '-m', transport];
}

/** `vcbResAll -s <sourcedir> [-a <catalog>] -b <mode>` (P.68: "every vcbRestore feature", so -b too). */
export function resAllArgs(source: string, mode: VcbRestoreMode, catalog?: string): string[] {
  return ['vcbResAll', '-s', source, ...(catalog ? ['-a', catalog] : []), '-b', mode];
}

/** `vcbCleanup -y` (P.48: -y cleans up without asking). */
export function cleanupArgs(): string[] {
  return ['vcbCleanup', '-y'];
}

/** `vcbUtil -c vmfolders|resourcepools` (P.67). */
export function utilArgs(what: 'vmfolders' | 'resourcepools'): string[] {
  return ['vcbUtil', '-c', what];
}

/**
 * vcbVmName's output (P.62): a `Found VM:` line (possibly after the echoed command, as in the guide's sample) starts
 * a block of `key:value` lines (no space; the value is the rest of the line, so a name may hold colons). Unknown keys
 * are ignored; a block without moref is dropped. Lines are cut at 4096 characters.
 */
export function parseFoundVms(stdout: string): FoundVm[] {
  const vms: FoundVm[] = [];
  let cur: Partial<FoundVm> | undefined;
  const flush = () => {
    if (cur?.moref)
      vms.push({ moref: cur.moref, name: cur.name ?? '', uuid: cur.uuid ?? '', ipaddr: cur.ipaddr ?? '' });
    cur = undefined;
  };
  for (const raw of stdout.split('\n')) {
    const line = raw.replace(/\r$/, '').slice(0, 4096);
    if (/Found VM:\s*$/.test(line)) {
      flush();
      cur = {};
      continue;
    }
    const m = /^(moref|name|uuid|ipaddr):(.*)$/.exec(line);
    if (cur && m) cur[m[1] as keyof FoundVm] = m[2];
  }
  flush();
  return vms;
}

/**
 * The settings of a backuptools.conf text, read with the product's Bourne-shell parser (src/formats, the same that
 * validates the file in the editor; the guide P.58: the file is parsed as a Bourne shell script). Defaults from 表 2-1:
 * MAX_RETRIES 0, BACKOFF_TIME 10 s, SNAPSHOT_POLICY automatic.
 */
export function readSettings(text: string): VcbSettings {
  const values = new Map<string, string>();
  for (const e of parse('backuptools-conf', text).entries) values.set(e.key, e.value);
  const num = (k: string, d: number) => {
    const n = Number(values.get(k));
    return values.has(k) && Number.isFinite(n) && n >= 0 ? n : d;
  };
  return {
    vchost: values.get('VCHOST'),
    username: values.get('USERNAME'),
    hasPassword: values.has('PASSWORD'),
    tempdir: values.get('TEMPDIR'),
    maxRetries: num('MAX_RETRIES', 0),
    backoffSeconds: num('BACKOFF_TIME', 10),
    snapshotPolicy: values.get('SNAPSHOT_POLICY') ?? 'automatic',
  };
}

/** Lines of a tool's output that are not empty, e.g. vcbUtil's paths (one per line). */
export function outputLines(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() !== '');
}
