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
 * The .vmx of a restored VM: its display name, and for a copy that lands next to its original `uuid.action = "create"`
 * — the documented answer "I copied it" given in advance (VMware KB 1541, "Changing or keeping a UUID for a moved
 * virtual machine"), so the VM gets a new BIOS UUID and, from it, new generated MAC addresses instead of asking
 * (VirtualMachine.runtime.question, answered with AnswerVM) at its first power-on.
 */
export function restoredVmx(vmx: string, o: { name: string; copy: boolean }): string {
  return setVmxOptions(vmx, {
    displayName: o.name,
    ...(o.copy ? { 'uuid.action': 'create' } : { 'uuid.action': 'keep' }),
  });
}
