// Edits of a restored VM's configuration file (.vmx: `key = "value"` lines, VMware's own text format). Values are
// written in the .vmx escape form VMware uses for characters a value cannot hold as they are (`|XX`, two hex digits:
// `"` is `|22`, `|` is `|7C`; control characters likewise), so a hostile VM name cannot add or end a line.

/** Largest .vmx edited, bytes: a configuration file is a few KiB; a bigger one is not one. */
export const MAX_VMX_BYTES = 1 << 20;

/** A value in .vmx escape form (printable ASCII and non-ASCII kept; `"`, `|`, `#` and control characters as `|XX`). */
export function vmxEscape(value: string): string {
  return value.replace(
    /[\u0000-\u001f\u007f"|#]/g,
    (c) => `|${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

/** A .vmx value read back: `|XX` (two hex digits) is the character it stands for (see vmxEscape). */
export function vmxUnescape(value: string): string {
  return value.replace(/\|([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** `key = "value"` lines of a .vmx (keys lower-cased, as VMware compares them; values unescaped). */
export function readVmxOptions(vmx: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of vmx.split(/\r?\n/)) {
    const m = /^\s*([A-Za-z0-9_.:-]+)\s*=\s*"([^"]*)"\s*$/.exec(line);
    if (m) out.set(m[1].toLowerCase(), vmxUnescape(m[2]));
  }
  return out;
}

/**
 * The NICs of a .vmx that name a network: `ethernet<N>.networkName` of each `ethernet<N>.present = "TRUE"` (a NIC
 * without `present` counts as present only if it names a network) → NIC (`ethernet0`) → network name.
 */
export function vmxNetworks(vmx: string): Record<string, string> {
  const o = readVmxOptions(vmx);
  const out: Record<string, string> = {};
  for (const [key, value] of o) {
    const m = /^(ethernet\d+)\.networkname$/.exec(key);
    if (!m) continue;
    const present = o.get(`${m[1]}.present`);
    if (present === undefined || present.toLowerCase() === 'true') out[m[1]] = value;
  }
  return out;
}

/**
 * The NICs of a .vmx as a backup's manifest records them (core/manifest.ts `source.vm.macs`): `ethernet<N>` with the
 * network it names (vmxNetworks) and its MAC (`ethernet<N>.address` when static, else `generatedAddress`), by device.
 */
export function vmxNics(vmx: string): { device: string; mac: string; network: string }[] {
  const o = readVmxOptions(vmx);
  return Object.entries(vmxNetworks(vmx))
    .map(([device, network]) => ({
      device,
      mac: o.get(`${device}.address`) ?? o.get(`${device}.generatedaddress`) ?? '',
      network,
    }))
    .sort((a, b) => a.device.localeCompare(b.device, undefined, { numeric: true }));
}

/**
 * Sets `key = "value"` for each entry (keys compared case-insensitively, as VMware reads them): an existing line is
 * replaced, a missing one appended. Other lines are kept byte for byte.
 */
export function setVmxOptions(vmx: string, options: Record<string, string>): string {
  const eol = vmx.includes('\r\n') ? '\r\n' : '\n';
  const lines = vmx.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  for (const [key, value] of Object.entries(options)) {
    if (!/^[A-Za-z0-9_.:-]+$/.test(key)) throw new TypeError(`not a .vmx key: ${JSON.stringify(key)}`);
    const line = `${key} = "${vmxEscape(value)}"`;
    const i = lines.findIndex((l) => (/^\s*([^=\s]+)\s*=/.exec(l)?.[1] ?? '').toLowerCase() === key.toLowerCase());
    if (i >= 0) lines[i] = line;
    else lines.push(line);
  }
  return lines.join(eol) + eol;
}

/**
 * The .vmx of a restored VM: its display name, for each NIC in `networks` its `ethernet<N>.networkName` (the network
 * of the target datacenter it is mapped to), and for a copy that lands next to its original `uuid.action = "create"`
 * — the documented answer "I copied it" given in advance (VMware KB 1541, "Changing or keeping a UUID for a moved
 * virtual machine"), so the VM gets a new BIOS UUID and, from it, new generated MAC addresses instead of asking
 * (VirtualMachine.runtime.question, answered with AnswerVM) at its first power-on.
 */
export function restoredVmx(
  vmx: string,
  o: { name: string; copy: boolean; networks?: Record<string, string> },
): string {
  const networks = Object.fromEntries(
    Object.entries(o.networks ?? {}).map(([nic, net]) => [`${nic}.networkName`, net]),
  );
  return setVmxOptions(vmx, {
    displayName: o.name,
    ...networks,
    ...(o.copy ? { 'uuid.action': 'create' } : { 'uuid.action': 'keep' }),
  });
}
