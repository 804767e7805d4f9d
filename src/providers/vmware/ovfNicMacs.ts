// A copy of a VM must not carry its original's MAC addresses (two NICs with one MAC on a network): an OVF backup's
// descriptor records them (CreateDescriptor with exportOption "mac", vmwareOvfExport.ts), and vSphere's import keeps
// the MACs a descriptor names (*assumed*: ovftool's `--exportFlags=mac` is documented to preserve them; vcsim 0.24.2's
// CreateImportSpec ignores rasd:Address). So an import next to the original gets the descriptor without them, and
// vSphere generates new ones, as RegisterVM does for a .vmx answered "copied" (vmwareRestore.ts uuid.action).
import { SaxesParser } from 'saxes';
import { VendorError } from '../../core/errors';
import { ETHERNET_ADAPTER, RASD_NS, readOvfDescriptor } from './ovfDescriptor';

/**
 * `text` (a descriptor readOvfDescriptor accepted) without the rasd:Address of each network adapter Item (rasd:ResourceType
 * 10), every other character as it was. The cut is checked by reading the result again: the same files, networks,
 * name and NICs, with no MAC left (INVALID_BACKUP otherwise).
 */
export function withoutNicMacs(text: string): string {
  const cuts: Array<[number, number]> = [];
  const parser = new SaxesParser({ xmlns: true, position: true });
  const starts: number[] = [];
  let item: { depth: number; addresses: Array<[number, number]>; type: string } | undefined;
  let typeText: string | undefined;
  parser.on('opentagstart', (tag) => starts.push(parser.position - tag.name.length - 2));
  parser.on('opentag', (tag) => {
    if (tag.local === 'Item' && !item) item = { depth: starts.length, addresses: [], type: '' };
    else if (item && starts.length === item.depth + 1 && tag.uri === RASD_NS && tag.local === 'ResourceType')
      typeText = '';
  });
  parser.on('text', (t) => {
    if (typeText !== undefined) typeText += t;
  });
  parser.on('closetag', (tag) => {
    const start = starts.pop() ?? 0;
    if (!item) return;
    if (starts.length === item.depth && tag.uri === RASD_NS) {
      if (tag.local === 'Address') item.addresses.push([start, parser.position]);
      if (tag.local === 'ResourceType') {
        item.type = (typeText ?? '').trim();
        typeText = undefined;
      }
    } else if (starts.length === item.depth - 1 && tag.local === 'Item') {
      if (item.type === ETHERNET_ADAPTER) cuts.push(...item.addresses);
      item = undefined;
    }
  });
  parser.write(text).close();
  let out = text;
  for (const [from, to] of cuts.sort((a, b) => b[0] - a[0])) out = out.slice(0, from) + out.slice(to);
  const before = readOvfDescriptor(text);
  const after = readOvfDescriptor(out);
  const same =
    JSON.stringify([after.name, after.files, after.networks]) ===
      JSON.stringify([before.name, before.files, before.networks]) &&
    JSON.stringify(after.nics) === JSON.stringify(before.nics.map((n) => ({ ...n, mac: '' })));
  if (!same)
    throw new VendorError('INVALID_BACKUP', ['the OVF descriptor could not be read without its MAC addresses']);
  return out;
}
