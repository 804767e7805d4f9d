// vm.cfg as Oracle VM Server writes it into `VirtualMachines/<id>/`: one Python assignment per line (`key = value`,
// values a quoted string, a number or a one-line list of quoted strings). Only the keys a restore changes are parsed;
// every other line is kept byte for byte. `name` (the id, 32 hex), `uuid` (the same id as 8-4-4-4-12) and `disk`
// (`file:/OVS/Repositories/<repository>/VirtualDisks/<file>.img,<device>,<mode>`), and the file at
// `VirtualMachines/<id>/vm.cfg`: NesManrique/ovmcopyvms move_machines.py, a public script that copies a VM into another
// repository by editing exactly these, then has the repository refreshed. `OVM_simple_name` and `vif`
// (`mac=…,bridge=<network id>`): *assumed* (test/lab/ovm/README.md).
import { randomBytes } from 'node:crypto';
import { VendorError } from '../../core/errors';

/** The product's code for a vm.cfg it will not restore (a disk outside the repository, a line it cannot read). */
export const UNSAFE_VM_CFG = 'UNSAFE_VM_CFG';

/** A Python string literal ('…' or "…", backslash escapes) at the start of `s`: its value and length, or undefined. */
function pyString(s: string): { value: string; length: number } | undefined {
  const q = s[0];
  if (q !== "'" && q !== '"') return undefined;
  let out = '';
  for (let i = 1; i < s.length; i++) {
    const c = s[i];
    if (c === q) return { value: out, length: i + 1 };
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = s[++i];
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };
    if (n in simple) out += simple[n];
    else if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      out += String.fromCharCode(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(i + 1, i + 5))) {
      out += String.fromCharCode(parseInt(s.slice(i + 1, i + 5), 16));
      i += 4;
    } else return undefined;
  }
  return undefined;
}

/** A one-line list of string literals, `['a', "b"]`, or a single string; undefined for anything else. */
export function parseStrings(value: string): string[] | undefined {
  const v = value.trim();
  const one = pyString(v);
  if (one && one.length === v.length) return [one.value];
  if (!v.startsWith('[') || !v.endsWith(']')) return undefined;
  const out: string[] = [];
  let rest = v.slice(1, -1).trim();
  while (rest.length) {
    const s = pyString(rest);
    if (!s) return undefined;
    out.push(s.value);
    rest = rest.slice(s.length).trim();
    if (rest.startsWith(',')) rest = rest.slice(1).trim();
    else if (rest.length) return undefined;
  }
  return out;
}

/** A string as a Python literal: JSON's escaping (`"…"`, `\n`, `\u0000`) is valid Python too. */
export function pyLiteral(s: string): string {
  return JSON.stringify(s);
}

/** One `key = value` line of a vm.cfg (others: key undefined). */
interface Line {
  text: string;
  key?: string;
  value?: string;
}

function lines(text: string): Line[] {
  return text.split('\n').map((t) => {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(t);
    return m ? { text: t, key: m[1], value: m[2] } : { text: t };
  });
}

/** A `disk` entry: `file:<path>,<device>,<mode>`. */
export interface VmCfgDisk {
  path: string;
  device: string;
  mode: string;
}

/** The `disk` entries of a vm.cfg (empty when it has none). @throws VendorError UNSAFE_VM_CFG on an unreadable `disk`. */
export function vmCfgDisks(text: string): VmCfgDisk[] {
  const line = lines(text).find((l) => l.key === 'disk');
  if (!line) return [];
  const list = parseStrings(line.value!);
  if (!list) throw new VendorError(UNSAFE_VM_CFG, [`vm.cfg: cannot read its disk line`]);
  return list.map((e) => {
    const m = /^file:([^,]*),([^,]*),([^,]*)$/.exec(e);
    if (!m)
      throw new VendorError(UNSAFE_VM_CFG, [
        `vm.cfg: disk entry ${JSON.stringify(e.slice(0, 200))} is not file:<path>,<device>,<mode>`,
      ]);
    return { path: m[1], device: m[2], mode: m[3] };
  });
}

/** What a restore changes in a vm.cfg. */
export interface VmCfgEdits {
  /** The new VM id (`uuid` and `name` keys). */
  vmId: string;
  /** The name shown by the Manager (`OVM_simple_name`). */
  displayName: string;
  /** The new `disk` entries, in order. */
  disks: VmCfgDisk[];
  /** `vif` entries by index (`0`, `1`…) → the network id their `bridge=` becomes (unmapped kept); MACs new unless `keepMacs`. */
  networks: Record<string, string>;
  keepMacs: boolean;
  /**
   * With keepMacs: the MAC to write for each vif index (the manifest's record of the backed-up VM; a clone backup's
   * vm.cfg has the clone's). A vif without one keeps the vm.cfg's. Anything that is not a MAC is refused.
   */
  macs?: Record<string, string>;
}

/** A MAC address in the range Oracle VM gives VMs (00:21:f6, Oracle's OUI; *assumed* to be the Manager's default range). */
export function newMac(): string {
  return ['00', '21', 'f6', ...[...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

/** `mac` when it is a MAC address (six hex pairs, colon-separated). @throws VendorError UNSAFE_VM_CFG otherwise. */
function checkedMac(mac: string): string {
  if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(mac))
    throw new VendorError(UNSAFE_VM_CFG, [
      `the manifest's MAC ${JSON.stringify(String(mac).slice(0, 40))} is not a MAC address`,
    ]);
  return mac;
}

/** One `vif` entry of a vm.cfg: its MAC and its bridge (the network id), as written. */
export interface VmCfgVif {
  mac?: string;
  bridge?: string;
}

/** The `vif` entries of a vm.cfg, in order (empty when it has none). @throws VendorError UNSAFE_VM_CFG when unreadable. */
export function vmCfgVifs(text: string): VmCfgVif[] {
  const line = lines(text).find((l) => l.key === 'vif');
  if (!line) return [];
  const list = parseStrings(line.value!);
  if (!list) throw new VendorError(UNSAFE_VM_CFG, ['vm.cfg: cannot read its vif line']);
  return list.map((entry) => {
    const kv = new Map(
      entry.split(',').map((p) => {
        const [k, ...v] = p.split('=');
        return [k.trim(), v.join('=').trim()] as const;
      }),
    );
    return { mac: kv.get('mac') || undefined, bridge: kv.get('bridge') || undefined };
  });
}

/** The `index`th `vif` entry (`mac=…,bridge=…`) with its bridge mapped and its MAC replaced unless kept. */
function editVif(entry: string, index: number, e: VmCfgEdits): string {
  return entry
    .split(',')
    .map((kv) => {
      const [k, ...v] = kv.split('=');
      const val = v.join('=');
      if (k.trim() === 'bridge') return `bridge=${e.networks[String(index)] ?? val.trim()}`;
      if (k.trim() === 'mac' && !e.keepMacs) return `mac=${newMac()}`;
      if (k.trim() === 'mac' && e.macs?.[String(index)] !== undefined)
        return `mac=${checkedMac(e.macs[String(index)])}`;
      return kv;
    })
    .join(',');
}

/** A 32-hex id as vm.cfg's `uuid` writes it, 8-4-4-4-12 (move_machines.py); any other id as it is. */
export function dashedUuid(id: string): string {
  const m = /^([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})$/i.exec(id);
  return m ? m.slice(1).join('-') : id;
}

/**
 * The vm.cfg with the restore's edits: `name` and `uuid` (the new id, `uuid` dashed), `OVM_simple_name`, `disk`, `vif`; every other
 * line as it was. A missing `OVM_simple_name` is added. @throws VendorError UNSAFE_VM_CFG on an unreadable `vif` line.
 */
export function editVmCfg(text: string, e: VmCfgEdits): string {
  const out: string[] = [];
  let named = false;
  for (const l of lines(text)) {
    switch (l.key) {
      case 'uuid':
        out.push(`uuid = ${pyLiteral(dashedUuid(e.vmId))}`);
        break;
      case 'name':
        out.push(`name = ${pyLiteral(e.vmId)}`);
        break;
      case 'OVM_simple_name':
        named = true;
        out.push(`OVM_simple_name = ${pyLiteral(e.displayName)}`);
        break;
      case 'disk':
        out.push(`disk = [${e.disks.map((d) => pyLiteral(`file:${d.path},${d.device},${d.mode}`)).join(', ')}]`);
        break;
      case 'vif': {
        const list = parseStrings(l.value!);
        if (!list) throw new VendorError(UNSAFE_VM_CFG, ['vm.cfg: cannot read its vif line']);
        out.push(`vif = [${list.map((v, i) => pyLiteral(editVif(v, i, e))).join(', ')}]`);
        break;
      }
      default:
        out.push(l.text);
    }
  }
  if (!named) out.splice(Math.max(0, out.length - 1), 0, `OVM_simple_name = ${pyLiteral(e.displayName)}`);
  return out.join('\n');
}
