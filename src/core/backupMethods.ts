// The VM backup methods a connection offers, as one list for the Back Up VM picker and the CLI: the methods its
// capabilities declare (Capabilities.backupMethods, with their trade-offs), else one per declared form
// (Capabilities.backupFormats: vSphere's image and OVF). No platform is named here.
import { BackupMethodInfo, Capabilities } from './model';

/** How each backup form is offered where a platform declares forms rather than methods. */
const FORM_METHODS: Record<'image' | 'ovf', Omit<BackupMethodInfo, 'options'>> = {
  image: {
    id: 'image',
    label: 'Image',
    tradeOff: "The VM's own files (configuration, disk descriptors and extents), as they are",
  },
  ovf: {
    id: 'ovf',
    label: 'OVF',
    tradeOff: 'An OVF package (descriptor and stream-optimized disks), restorable by OVF import',
  },
};

/** What the picker asks for (`noun`: "method" or "form") and the choices, in the platform's order of preference. */
export interface OfferedBackupMethods {
  noun: 'method' | 'form';
  methods: BackupMethodInfo[];
}

/** The declared methods, else one per declared form; an empty list where the platform has one way only. */
export function offeredBackupMethods(caps: Capabilities): OfferedBackupMethods {
  if (caps.backupMethods?.length) return { noun: 'method', methods: caps.backupMethods };
  return {
    noun: 'form',
    methods: (caps.backupFormats ?? []).map((f) => ({ ...FORM_METHODS[f], options: { format: f } })),
  };
}
