// Which of the supported file formats a path (and its content) is.
import { LanguageId } from './types';

const VCB_KEYS =
  /^\s*(?:var\s+)?(TRANSPORT_MODE|BACKUPROOT|SNAPSHOT_POLICY|VM_LOOKUP_METHOD|PREEXISTING_MOUNTPOINT|PREEXISTING_VCB_SNAPSHOT)\s*=/m;
/** A catalog line naming the VM's .vmx: what vcbRestore needs, and what an edited copy (`vcbRestore -a <file>`) keeps. */
const CATALOG_LINE = /^[\s\uFEFF]*config\.vmx\s*=\s*"?\s*\[/m;

/**
 * True when a text is a VCB catalog by its content (a `config.vmx=` line): the guide has users edit a *copy* of the
 * catalog and pass it to `vcbRestore -a`, and blogs keep it as e.g. /vmimages/my-alt-catalog.
 */
export function looksLikeVcbCatalog(text: string): boolean {
  return CATALOG_LINE.test(String(text ?? '').slice(0, 200000));
}

/** Enough of a file's bytes as text to recognise it (UTF-16 with a BOM decoded, anything else byte for byte). */
export function sniffText(bytes: Uint8Array): string {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 400000));
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return head.subarray(2).toString('utf16le');
  return head.toString('latin1');
}

export function detectLanguage(filePath: string, text: string): LanguageId | undefined {
  const p = String(filePath ?? '').replace(/\\/g, '/');
  const lower = p.toLowerCase();
  const base = lower.slice(lower.lastIndexOf('/') + 1);
  if (base === 'config.js') {
    if (lower.endsWith('vmware consolidated backup framework/config/config.js')) return 'vcb-config-js';
    if (lower.endsWith('/config/config.js') || lower === 'config/config.js') {
      return VCB_KEYS.test(String(text ?? '').slice(0, 200000)) ? 'vcb-config-js' : undefined;
    }
    return undefined;
  }
  if (base === 'backuptools.conf') return 'backuptools-conf';
  if (base === 'catalog') return 'vcb-catalog';
  if (base === '.config' && /(^|\/)ovm-manager-3\//.test(lower)) return 'ovm-config';
  if (base === 'ovmm' || lower.endsWith('/etc/sysconfig/ovmm')) return 'ovmm-sysconfig';
  if (!/\.(vmx|vmdk|js|json|ya?ml|xml|sh)$/.test(base) && looksLikeVcbCatalog(text)) return 'vcb-catalog';
  return undefined;
}
