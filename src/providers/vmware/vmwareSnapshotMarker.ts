// How a journalled temporary snapshot is named and recognised: the job's marker (src/core/journal.ts) in its name and
// description — vSphere snapshots have no tags — and the identity the journal keeps for the VM.
import { JournalEntry } from '../../core/journal';
import { TEMPORARY_DESCRIPTION, TEMPORARY_PREFIX, VsphereSnapshot, VsphereVm } from './vmwareRecords';

/** `vmbackup-temp <ISO time> <marker>`: the marker is the job's only trace if the process dies before the task answers. */
export function temporarySnapshotName(marker: string, when = new Date()): string {
  return `${TEMPORARY_PREFIX}${when.toISOString()} ${marker}`;
}

/** The description of a temporary snapshot: TEMPORARY_DESCRIPTION and the job's marker. */
export function temporarySnapshotDescription(marker: string): string {
  return `${TEMPORARY_DESCRIPTION} (job ${marker})`;
}

/** Whether `s` carries the marker of `entry` in both its name and its description. */
export function carriesMarker(s: VsphereSnapshot, entry: JournalEntry): boolean {
  return !!entry.name && s.name === entry.name && s.description === temporarySnapshotDescription(entry.marker);
}

/** The identity a journal entry keeps for a VM: its moref, its instance uuid (else BIOS uuid) and name. */
export function journalVm(vm: VsphereVm): JournalEntry['vm'] {
  return { id: vm.id, uuid: vm.instanceUuid || vm.uuid, name: vm.name };
}
