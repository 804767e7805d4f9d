// The `vcb-*` verbs (VMware Consolidated Backup over SSH), each in its own file.
import type { Args } from './args';
import { vcbBackupVerb } from './vcbBackupVerb';
import { vcbCleanupVerb } from './vcbCleanupVerb';
import { vcbFindVerb } from './vcbFindVerb';
import { vcbResAllVerb, vcbSnapAllVerb } from './vcbGroupVerbs';
import { vcbRestoreVerb } from './vcbRestoreVerb';

/** A verb's shape (as commands.ts's Verb; not imported from there, which imports this file). */
type Verb = (args: Args, out: (data: unknown, text: string) => void) => Promise<number>;

export const vcbVerbs: Record<string, Verb> = {
  'vcb-find': vcbFindVerb,
  'vcb-backup': vcbBackupVerb,
  'vcb-restore': vcbRestoreVerb,
  'vcb-snapall': vcbSnapAllVerb,
  'vcb-resall': vcbResAllVerb,
  'vcb-cleanup': vcbCleanupVerb,
};
