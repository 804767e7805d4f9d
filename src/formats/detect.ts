// Which of the supported file formats a path (and its content) is.
import { LanguageId } from './types';

const VCB_KEYS = /^\s*(?:var\s+)?(TRANSPORT_MODE|BACKUPROOT|SNAPSHOT_POLICY|VM_LOOKUP_METHOD|PREEXISTING_MOUNTPOINT|PREEXISTING_VCB_SNAPSHOT)\s*=/m;

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
  return undefined;
}
