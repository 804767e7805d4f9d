// File-type specific checks that JSON schema cannot express.
import { closest } from './editDistance';
import { vmNameOfVmx } from './vmxName';
import { describeInvisible } from './parseShell';
import { propertySchema, SCHEMAS } from './schemas';
import { Diagnostic, Entry, LanguageId } from './types';
import { escapeControlChars, quoteForMessage } from '../core/controlChars';

/** The guide's own caution (VCB guide, appendix A, "構成ファイルの設定" / PASSWORD), for the service console's backuptools.conf. */
export const PASSWORD_CAUTION =
  'Caution (VCB guide, appendix A): specifying the password in the configuration file is a security risk — make sure the service console is not used by anyone other than the ESX Server 3 administrators (and keep the file mode 0600, root only; VMSA-2008-0014).';
/** The VCB proxy's own options for config.js (VMSA-2008-0014 §f; VCB 1.x documentation): a Windows file, not the service console. */
export const PROXY_PASSWORD_CAUTION =
  "Anyone who can read config.js on the VCB proxy can read it: restrict the file to the proxy's administrators (NTFS permissions), or remove PASSWORD and let VCB read it from the registry (HKLM\\SOFTWARE\\VMware, Inc.\\VMware Consolidated Backup\\Password) or prompt for it (VMSA-2008-0014).";
export const REGISTRY_PASSWORD_KEY = 'HKLM\\SOFTWARE\\VMware, Inc.\\VMware Consolidated Backup\\Password';
export const DBBACKUP_CMD_DEFAULT = /^\/opt\/mysql\/meb-[^/\s]+\/bin\/mysqlbackup$/;
/** Control characters (not tab, CR, LF) and bidirectional controls written raw into a value. */
const RAW_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
/** Characters that look like a blank or like nothing (see parseShell's INVISIBLE). */
const INVISIBLE_IN_VALUE = /[\uFEFF\u3000\u00A0\u2000-\u200D\u2060\u202F\u205F]/;
/** Who reads each file, for messages. */
const READER: Record<LanguageId, string> = {
  'vcb-config-js': 'JScript',
  'backuptools-conf': 'bash',
  'ovmm-sysconfig': 'bash',
  'vcb-catalog': 'vcbRestore',
  'ovm-config': 'the shell that reads .config',
};
const DATASTORE_PATH = /^\[([^\]]+)\] (.*)$/;

export function duplicateKeys(entries: Entry[]): Diagnostic[] {
  const first = new Map<string, Entry>();
  const out: Diagnostic[] = [];
  for (const e of entries) {
    const f = first.get(e.key);
    if (!f) {
      first.set(e.key, e);
      continue;
    }
    if (e.selfReference) continue;
    out.push({
      range: e.keyRange,
      severity: 'warning',
      code: 'duplicate-key',
      message: `Duplicate key ${e.key}: the last assignment wins (first defined on line ${f.keyRange.start.line + 1}).`,
      data: { key: e.key, firstRange: f.keyRange },
    });
  }
  return out;
}

export function semanticDiagnostics(lang: LanguageId, entries: Entry[]): Diagnostic[] {
  const out: Diagnostic[] = [...duplicateKeys(entries)];
  const byKey = new Map<string, Entry>();
  for (const e of entries) byKey.set(e.key, e);

  for (const e of entries) {
    const ps = propertySchema(lang, e.key);
    if (
      (lang === 'vcb-config-js' || lang === 'backuptools-conf') &&
      e.key === 'PASSWORD' &&
      e.value !== '' &&
      !e.computed
    ) {
      out.push({
        range: e.valueRange,
        severity: 'warning',
        code: 'plaintext-password',
        message: `Plaintext password. ${lang === 'vcb-config-js' ? PROXY_PASSWORD_CAUTION : PASSWORD_CAUTION}`,
        data: { key: e.key, lineRange: e.statementRange },
      });
    }
    if (lang === 'vcb-config-js' && e.key === 'TRANSPORT_MODE' && e.value === 'hotadd') {
      out.push({
        range: e.valueRange,
        severity: 'information',
        code: 'hotadd-note',
        message:
          'hotadd is not listed in the VCB guide for ESX 3.5 (san, nbd, nbdssl); it was added by later VCB releases and requires the VCB proxy to be a virtual machine.',
      });
    }
    if (ps?.['x-legacy'] && lang === 'ovm-config') {
      out.push({
        range: e.keyRange,
        severity: 'information',
        code: 'legacy-key',
        message: `${e.key} is a legacy configuration property in Oracle VM 3.4${ps['x-legacyValue'] ? `; its value is always ${ps['x-legacyValue']}` : ''}.`,
        data: { key: e.key },
      });
    }
    if (lang === 'ovmm-sysconfig' && e.key === 'DBBACKUP_CMD' && !DBBACKUP_CMD_DEFAULT.test(e.value)) {
      out.push({
        range: e.valueRange,
        severity: 'warning',
        code: 'dbbackup-cmd-changed',
        message:
          'DBBACKUP_CMD should not be changed: the mysqlbackup path is spelled out so that future MySQL Enterprise Backup package updates can be handled (default /opt/mysql/meb-x.x/bin/mysqlbackup).',
        data: { key: e.key },
      });
    }
    // The shell parser reports these itself (where bash splits or keeps them); elsewhere the reader keeps them in the value.
    const inv = lang === 'backuptools-conf' || lang === 'ovmm-sysconfig' ? null : INVISIBLE_IN_VALUE.exec(e.rawValue);
    if (inv) {
      const s = e.valueRange.start.offset + inv.index;
      out.push({
        range: offsetRange(e, s, s + 1),
        severity: 'warning',
        code: 'invisible-character',
        message: `The value of ${e.key} contains ${describeInvisible(inv[0])}: ${READER[lang]} keeps it as part of the value, where it looks like ${/[\u200b-\u200d\u2060\ufeff]/.test(inv[0]) ? 'nothing' : 'an ordinary space'}.`,
        data: { key: e.key, offset: s, ch: inv[0] },
      });
    }
    const ctl = RAW_CONTROL.exec(e.rawValue);
    if (ctl) {
      const s = e.valueRange.start.offset + ctl.index;
      out.push({
        range: offsetRange(e, s, s + 1),
        severity: 'warning',
        code: 'control-character',
        message: `The value of ${e.key} contains the control character ${escapeControlChars(ctl[0])} (U+${ctl[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}), written into the file as it is: it becomes part of the value (a pasted terminal escape, or a byte of another encoding?) — remove it.`,
        data: { key: e.key },
      });
    }
    const allowed = ps?.['x-placeholders'];
    if (allowed || lang === 'backuptools-conf') {
      const re = /%([A-Za-z_]+)%/g;
      let m: RegExpExecArray | null;
      while ((m = re.exec(e.rawValue)) !== null) {
        if (allowed?.includes(m[0])) continue;
        const s = e.valueRange.start.offset + m.index;
        out.push({
          range: offsetRange(e, s, s + m[0].length),
          severity: 'warning',
          code: 'unknown-placeholder',
          message: allowed
            ? `Unknown placeholder ${m[0]} — ${e.key} supports ${allowed.join(', ')}.`
            : `${e.key} does not support placeholders such as ${m[0]}.`,
          data: { key: e.key },
        });
      }
    }
  }

  if (lang === 'vcb-config-js') {
    const retries = byKey.get('MAX_RETRIES');
    const backoff = byKey.get('BACKOFF_TIME');
    if (backoff && (!retries || Number(retries.value) === 0)) {
      out.push({
        range: backoff.keyRange,
        severity: 'information',
        code: 'backoff-ignored',
        message: 'BACKOFF_TIME only takes effect when MAX_RETRIES is greater than 0.',
      });
    }
  }

  if (lang === 'vcb-config-js') out.push(...passwordSource(byKey));
  if (lang === 'ovm-config') out.push(...ovmRelease(entries));
  if (lang === 'vcb-catalog') out.push(...catalogRules(entries, byKey));
  return out;
}

/**
 * Where VCB gets the password when config.js has none (VMSA-2008-0014 §f: the registry, or a prompt) or needs none
 * (USERNAME "__sspi__": the Windows account that runs the backup). Information only: such a file is valid.
 */
function passwordSource(byKey: Map<string, Entry>): Diagnostic[] {
  const user = byKey.get('USERNAME');
  const password = byKey.get('PASSWORD');
  if (user && !user.unevaluated && user.value.toLowerCase() === '__sspi__') {
    return [
      {
        range: user.valueRange,
        severity: 'information',
        code: 'password-source',
        message:
          'USERNAME "__sspi__": VCB logs in with the Windows account that runs the backup (SSPI), so no PASSWORD is needed.',
        data: { key: 'USERNAME' },
      },
    ];
  }
  if (password || !user) return [];
  return [
    {
      range: user.keyRange,
      severity: 'information',
      code: 'password-source',
      message: `No PASSWORD in config.js: VCB reads it from the registry (${REGISTRY_PASSWORD_KEY}) or prompts for it (VMSA-2008-0014).`,
      data: { key: 'USERNAME' },
    },
  ];
}

/**
 * Values that only an older Oracle VM release writes into .config (3.2: an Oracle Database on another host, listener
 * 1521, APEX port 8080 — docs.oracle.com/cd/E35328_01): information saying which release's rules these checks follow.
 */
function ovmRelease(entries: Entry[]): Diagnostic[] {
  const older = entries.find((e) => {
    const v = e.value.trim();
    return (
      (e.key === 'DBHOST' && v !== '' && v.toLowerCase() !== 'localhost') ||
      (e.key === 'DBTYPE' && v !== '' && v !== 'MySQL') ||
      (e.key === 'APEX' && /^\d+$/.test(v))
    );
  });
  // BUILDID (x.y.z.build) says which release wrote the file: it names the release when it is older than 3.4.
  const build = entries.filter((e) => e.key === 'BUILDID').pop();
  const bm = build ? /^(\d+)\.(\d+)\./.exec(build.value.trim()) : null;
  const release =
    bm && (Number(bm[1]) < 3 || (Number(bm[1]) === 3 && Number(bm[2]) < 4)) ? `${bm[1]}.${bm[2]}` : undefined;
  const rules =
    'These checks follow the Oracle VM 3.4 guide (§12.1.1), where DBTYPE, DBHOST and APEX are legacy properties (MySQL on localhost)';
  if (release && build) {
    return [
      {
        range: (older ?? build).valueRange,
        severity: 'information',
        code: 'older-release',
        data: { key: (older ?? build).key },
        message: `BUILDID=${quoteForMessage(build.value, 40)}: this .config was written by Oracle VM Manager ${release}${older ? ` (${older.key}=${quoteForMessage(older.value, 60)})` : ''}. ${rules}; for this file the Oracle VM ${release} documentation applies.`,
      },
    ];
  }
  if (!older) return [];
  return [
    {
      range: older.valueRange,
      severity: 'information',
      code: 'older-release',
      data: { key: older.key },
      message: `${older.key}=${quoteForMessage(older.value, 60)} is from an Oracle VM Manager release before 3.4 (e.g. 3.2 with its database on another host). ${rules}; for this file the older release's documentation applies.`,
    },
  ];
}

function offsetRange(e: Entry, s: number, end: number): Diagnostic['range'] {
  const base = e.valueRange.start;
  // values never span lines in the languages that use placeholders; compute characters on the same line
  const clampS = Math.min(Math.max(s, base.offset), e.valueRange.end.offset);
  const clampE = Math.min(Math.max(end, clampS), e.valueRange.end.offset);
  return {
    start: { offset: clampS, line: base.line, character: base.character + (clampS - base.offset) },
    end: { offset: clampE, line: base.line, character: base.character + (clampE - base.offset) },
  };
}

function dirOf(key: string, value: string): { ds: string; dir: string } | undefined {
  const m = DATASTORE_PATH.exec(value.trim());
  if (!m) return undefined;
  let p = m[2].trim().replace(/\\/g, '/').replace(/\/+$/, '');
  if (key === 'config.vmx' || key.endsWith('.diskname')) p = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '';
  return { ds: m[1].trim(), dir: p.replace(/^\/+/, '') };
}

/**
 * The guide's note (カタログファイルの編集): a VM name changed in the catalog is not taken by vcbRestore, which restores
 * under the name in the .vmx file. The real key of the catalog's display-name entry is not confirmed by any source we
 * found, so the usual spellings are recognised; the rule speaks only when that name differs from the VM name of config.vmx.
 */
const NAME_KEY = /^(display[._]?name|vm[._]?name|name)$/i;

function vmNameChangeRule(entries: Entry[], vmx: Entry | undefined): Diagnostic[] {
  const vmxName = vmx ? vmNameOfVmx(vmx.value) : undefined;
  if (!vmxName) return [];
  return entries
    .filter((e) => NAME_KEY.test(e.key) && e.value.trim() && e.value.trim() !== vmxName)
    .map((e): Diagnostic => ({
      range: e.valueRange,
      severity: 'information',
      code: 'vm-name-change-ignored',
      data: { key: e.key },
      message: `vcbRestore does not take a VM name changed in the catalog: it restores the VM under the name of its .vmx file (${vmxName}). Rename the VM after the restore (VCB guide, editing the catalog file).`,
    }));
}

/**
 * Whether a resource pool's compute resource (`…/host/<cr>/Resources`) can belong to `host`. A standalone host's
 * compute resource is named after the host (FQDN or IP as added to VirtualCenter, or its short name); a DRS cluster's
 * pool names the cluster instead (govc/vcsim: `/DC0/host/DC0_C0/Resources` holds hosts `DC0_C0_H0`…), and which hosts
 * a cluster has is not in the file — so only a host-like name (with a dot) that differs is a mismatch.
 */
function poolOfHost(cr: string, host: string): boolean {
  const a = cr.toLowerCase(),
    b = host.toLowerCase();
  if (a === b || a === b.split('.')[0] || a.split('.')[0] === b) return true;
  return !a.includes('.');
}

function catalogRules(entries: Entry[], byKey: Map<string, Entry>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const vmx = byKey.get('config.vmx');
  const ref = vmx ? dirOf('config.vmx', vmx.value) : undefined;
  if (vmx && ref) {
    for (const e of entries) {
      if (e === vmx || !propertySchema('vcb-catalog', e.key)?.['x-datastorePath']) continue;
      const d = dirOf(e.key, e.value);
      if (d && (d.ds !== ref.ds || d.dir !== ref.dir)) {
        out.push({
          range: e.valueRange,
          severity: 'warning',
          code: 'datastore-paths-differ',
          message: `${e.key} points to "[${d.ds}] ${d.dir}" but config.vmx is in "[${ref.ds}] ${ref.dir}"; by default all datastore paths use the same directory on the same datastore.`,
          data: { key: e.key },
        });
      }
    }
  }
  for (const e of entries) {
    if (!propertySchema('vcb-catalog', e.key)?.['x-datastorePath'] || !e.value.includes('\\')) continue;
    out.push({
      range: e.valueRange,
      severity: 'warning',
      code: 'datastore-path-backslash',
      data: { key: e.key },
      message: `${e.key} uses "\\" as a separator: a datastore path is "[<datastore_name>] <folder>/<file>" with "/" — vcbRestore on the ESX service console takes "\\" as part of the name.`,
    });
  }
  out.push(...vmNameChangeRule(entries, vmx));
  const host = byKey.get('host');
  const pool = byKey.get('resourcepool');
  const poolHost = pool ? /\/host\/([^/]+)\//.exec(pool.value)?.[1] : undefined;
  if (host && pool && poolHost && host.value && !poolOfHost(poolHost, host.value.trim())) {
    out.push({
      range: pool.valueRange,
      severity: 'warning',
      code: 'resourcepool-host-mismatch',
      message: `resourcepool belongs to host "${poolHost}" but host is "${host.value}": choose a resource pool of the target host (see vcbUtil -c resourcepools).`,
      data: { key: 'resourcepool', host: host.value, poolHost },
    });
  }
  const known = Object.keys(SCHEMAS['vcb-catalog'].properties);
  for (const e of entries) {
    if (propertySchema('vcb-catalog', e.key)) continue;
    const suggestion = closest(e.key, known);
    if (suggestion)
      out.push({
        range: e.keyRange,
        severity: 'information',
        code: 'unknown-key',
        message: `Unknown key ${e.key} — did you mean ${suggestion}?`,
        data: { key: e.key, suggestion },
      });
  }
  return out;
}
