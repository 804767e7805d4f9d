// `vmbackup vcb-backup <vm> [--to <dir on the VCB host> | --to scp://user@host:/path]`: vcbMounter -t fullvm; without
// --to the export is pulled into the repository (sha256, manifest).
import { Args } from './args';
import { terminalContext } from './session';
import { findVsphereVm, vcbRepository, withVcb } from './vcbSession';
import { vcbVmRef } from '../providers/vcb/vcbProvider';
import { VcbDestination } from '../providers/vcb/vcbRecords';
import { shown } from './printable';

export async function vcbBackupVerb(a: Args, out: (data: unknown, text: string) => void): Promise<number> {
  const which = a.positional[0];
  if (!which) throw new Error('vcb-backup: name the VM');
  const to = typeof a.flags.to === 'string' ? a.flags.to : undefined;
  return withVcb(a, async (vcb, vmware) => {
    const vm = await findVsphereVm(vmware, which);
    const repository = vcbRepository(a, vmware.profile.name);
    const dest: VcbDestination = !to
      ? { kind: 'repository', repository }
      : to.startsWith('scp://')
        ? { kind: 'scp', url: to }
        : { kind: 'folder', path: to };
    const r = await vcb.backup(vcbVmRef(vm), dest, terminalContext(!!a.flags.json, vm.name));
    const where = r.localDir ?? r.remoteDir ?? (dest.kind === 'scp' ? dest.url : '');
    out(r, shown`${vm.name} backed up with vcbMounter to ${where} (${r.files.length} files)`);
    return 0;
  });
}
