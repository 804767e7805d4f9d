// An OVF descriptor (DMTF OVF 1.x envelope, as vSphere's OvfManager.CreateDescriptor writes it) read as untrusted
// input: a `.ovf` in a repository is a file anyone could have written. Parsed with the kept, namespace-aware parser
// (vimXml.ts: saxes, no DTD entities, depth and element limits), never with a regular expression; every file it
// names must be a plain file name inside the backup folder (no path, no `..`, no control characters).
import { VendorError } from '../../core/errors';
import { XmlElement, childrenNamed, parseXml } from './vimXml';

export const OVF_NS = 'http://schemas.dmtf.org/ovf/envelope/1';
/** A descriptor larger than this is not one (vSphere's are a few KiB to a few hundred KiB). */
export const MAX_OVF_BYTES = 4 * 1024 * 1024;

/** One References/File: its id, href (a plain file name) and declared size in bytes (0 when not given). */
export interface OvfFileRef {
  id: string;
  href: string;
  size: number;
}

/**
 * One NIC of the virtual system (a VirtualHardwareSection Item of rasd:ResourceType 10, "Ethernet Adapter" in DMTF
 * CIM_ResourceAllocationSettingData): `device` is `ethernet<N>` by the NICs' order in the descriptor (the .vmx's
 * ethernet<N>, which the image backup records; *assumed*: vSphere writes the NICs in device order), `network` its
 * rasd:Connection (a NetworkSection name, what ImportVApp maps), `mac` its rasd:Address ('' when not exported:
 * CreateDescriptor writes it only with exportOption "mac").
 */
export interface OvfNic {
  device: string;
  mac: string;
  network: string;
}

/** What an import needs from a descriptor: the files it references, the network names, the NICs, the virtual system's name. */
export interface OvfSummary {
  name: string;
  files: OvfFileRef[];
  networks: string[];
  nics: OvfNic[];
}

/** DMTF CIM_ResourceAllocationSettingData (OVF 1.x `rasd:`), and its ResourceType of a network adapter. */
export const RASD_NS = 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData';
export const ETHERNET_ADAPTER = '10';

function invalid(detail: string): VendorError {
  return new VendorError('INVALID_BACKUP', [detail.slice(0, 300)]);
}

/** The value of an `ovf:` attribute (by namespace URI, whatever its prefix), else of the unqualified one. */
function ovfAttr(el: XmlElement, name: string): string | undefined {
  return el.nsAttrs?.[`${OVF_NS} ${name}`] ?? el.attrs[name];
}

/** A file name from a descriptor, refused unless it is a plain name (it is joined to the backup folder). */
export function safeOvfFileName(href: string): string {
  if (
    !href ||
    href.length > 255 ||
    href === '.' ||
    href === '..' ||
    /[/\\]/.test(href) ||
    /[\u0000-\u001f\u007f]/.test(href) ||
    /^[a-z][a-z0-9+.-]*:/i.test(href)
  )
    throw invalid(
      `the OVF descriptor names the file ${JSON.stringify(href.slice(0, 80))}: not a plain file name in the backup folder`,
    );
  return href;
}

/** Parses and checks a descriptor (INVALID_BACKUP on anything that is not a sane OVF envelope). */
export function readOvfDescriptor(text: string): OvfSummary {
  if (Buffer.byteLength(text) > MAX_OVF_BYTES) throw invalid(`OVF descriptor larger than ${MAX_OVF_BYTES} bytes`);
  let doc: XmlElement;
  try {
    doc = parseXml(text, { maxDepth: 32, maxElements: 100_000 });
  } catch (err) {
    throw invalid(`the OVF descriptor is not well-formed XML: ${(err as Error).message}`);
  }
  if (doc.name !== 'Envelope' || doc.ns !== OVF_NS) throw invalid('not an OVF envelope (DMTF OVF 1.x namespace)');
  const files = childrenNamed(childOf(doc, 'References'), 'File').map((f) => {
    const href = ovfAttr(f, 'href');
    const id = ovfAttr(f, 'id');
    if (href === undefined || id === undefined) throw invalid('an OVF References/File without ovf:id or ovf:href');
    const size = Number(ovfAttr(f, 'size') ?? 0);
    if (!Number.isSafeInteger(size) || size < 0) throw invalid(`OVF file ${id}: size is not a byte count`);
    return { id, href: safeOvfFileName(href), size };
  });
  if (new Set(files.map((f) => f.href)).size !== files.length) throw invalid('the OVF descriptor names one file twice');
  const networks = childrenNamed(childOf(doc, 'NetworkSection'), 'Network')
    .map((n) => ovfAttr(n, 'name') ?? '')
    .filter((n) => n !== '');
  const system = childOf(doc, 'VirtualSystem');
  const name = childrenNamed(system, 'Name')[0]?.text ?? (system ? ovfAttr(system, 'id') : undefined) ?? '';
  const rasd = (item: XmlElement, field: string) =>
    item.children.find((c) => c.name === field && c.ns === RASD_NS)?.text.trim() ?? '';
  const nics = childrenNamed(childOf(system, 'VirtualHardwareSection'), 'Item')
    .filter((item) => rasd(item, 'ResourceType') === ETHERNET_ADAPTER)
    .map((item, i): OvfNic => ({
      device: `ethernet${i}`,
      mac: rasd(item, 'Address'),
      network: rasd(item, 'Connection'),
    }));
  return { name, files, networks, nics };
}

/** The file names a descriptor references (for checking an export: see readOvfDescriptor). */
export function ovfFileNames(text: string): string[] {
  return readOvfDescriptor(text).files.map((f) => f.href);
}

function childOf(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name && c.ns === OVF_NS);
}
