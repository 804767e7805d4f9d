// Generates a large backuptools.conf for the validation micro-benchmark.
import { validate } from './validate';

export function makeLargeBackuptoolsConf(lines: number): string {
  const out: string[] = [];
  const keys = [
    'VCHOST',
    'USERNAME',
    'TEMPDIR',
    'VMNAMECACHE',
    'DSPATH',
    'VMHOST',
    'RESOURCEPOOL',
    'FOLDERPATH',
    'HOST_THUMBPRINT',
  ];
  for (let i = 0; out.length < lines; i++) {
    switch (i % 8) {
      case 0:
        out.push(`# section ${i} — generated`);
        break;
      case 1:
        out.push(`VCHOST="vc${i}.example.com"`);
        break;
      case 2:
        out.push(`TEMPDIR=/var/tmp/vcb${i}`);
        break;
      case 3:
        out.push(`DSPATH="[ds${i}] %VMNAME%"`);
        break;
      case 4:
        out.push(`RESOURCEPOOL='/ha-folder-root/ha-datacenter/host/%VMHOST%/Resources'`);
        break;
      case 5:
        out.push(
          `HOST_THUMBPRINT=${Array.from({ length: 20 }, (_, j) => ((i + j) % 256).toString(16).toUpperCase().padStart(2, '0')).join(':')}`,
        );
        break;
      case 6:
        out.push(`${keys[i % keys.length]} = broken value with \\$dollar`);
        break;
      default:
        out.push(`FOLDERPATH="/vm/folder ${i}" # trailing comment \\`);
        out.push('  continued');
        break;
    }
  }
  return out.slice(0, lines).join('\n') + '\n';
}

/** Validates a generated file of `lines` lines; returns the diagnostic count (bench hook). */
export function benchValidateBackuptools(lines = 2000): number {
  return validate('backuptools-conf', makeLargeBackuptoolsConf(lines)).length;
}

/** The 20-line block of the 50,000-line field case (C34): a commented config.js repeated, so every key repeats. */
const CONFIG_JS_BLOCK = [
  '// ---------------------------------------------------------------',
  '// Backup root: each job gets its own sub-folder named after',
  '// the VM and the kind of backup; the folder must exist and have',
  '// room for the largest exported VM.',
  'BACKUPROOT="C:\\\\mnt";',
  'HOST="vc01.example.test";',
  'PORT=443;',
  'USERNAME="vcbuser";',
  'PASSWORD="";',
  '// Transport: san, nbd or nbdssl',
  '// (see the VCB guide, table 2-1)',
  'TRANSPORT_MODE="nbd";',
  'SNAPSHOT_POLICY="automatic";',
  'VM_LOOKUP_METHOD="ipaddr";',
  'PREEXISTING_MOUNTPOINT="fail";',
  'PREEXISTING_VCB_SNAPSHOT="fail";',
  'MAX_RETRIES=0;',
  'BACKOFF_TIME=10;',
  '/* end of block */',
  '',
];

/** A config.js of `lines` lines like the field case C34 (a duplicate-key warning for every repeated key). */
export function makeLargeConfigJs(lines = 50000): string {
  const out: string[] = [];
  while (out.length < lines) out.push(...CONFIG_JS_BLOCK);
  return out.slice(0, lines).join('\n') + '\n';
}
