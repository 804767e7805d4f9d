// Where the cursor is on its line: typing a key, or a value of some key.
import { LanguageId } from './types';

export type CursorContext =
  { kind: 'key'; prefix: string; start: number } | { kind: 'value'; key: string; prefix: string; start: number };

const PATTERNS: Record<LanguageId, { key: RegExp; value: RegExp }> = {
  'vcb-config-js': {
    key: /^\s*(?:var\s+)?([A-Za-z_$][\w$]*)?$/,
    value: /^\s*(?:var\s+)?([A-Za-z_$][\w$]*)\s*=\s*["']?([^"';]*)$/,
  },
  'backuptools-conf': {
    key: /^\s*(?:export\s+)?([A-Za-z_]\w*)?$/,
    value: /^\s*(?:export\s+)?([A-Za-z_]\w*)=(?:["'][^"']*?)?([^"'\s]*)$/,
  },
  'ovmm-sysconfig': {
    key: /^\s*(?:export\s+)?([A-Za-z_]\w*)?$/,
    value: /^\s*(?:export\s+)?([A-Za-z_]\w*)=(?:["'][^"']*?)?([^"'\s]*)$/,
  },
  'vcb-catalog': { key: /^\s*([A-Za-z_][\w.:*]*)?$/, value: /^\s*([A-Za-z_][\w.:*]*)\s*=\s*["']?([^"']*)$/ },
  'ovm-config': { key: /^\s*([A-Za-z_][\w.]*)?$/, value: /^\s*([A-Za-z_][\w.]*)=([^\s]*)$/ },
};

export function cursorContext(lang: LanguageId, text: string, offset: number): CursorContext | undefined {
  const o = Math.max(0, Math.min(offset, text.length));
  let ls = o;
  while (ls > 0 && text[ls - 1] !== '\n' && text[ls - 1] !== '\r') ls--;
  const before = text.slice(ls, o);
  if (before.length > 10000) return undefined;
  const p = PATTERNS[lang];
  if (!p) return undefined;
  const k = p.key.exec(before);
  if (k) {
    const prefix = k[1] ?? '';
    return { kind: 'key', prefix, start: o - prefix.length };
  }
  const v = p.value.exec(before);
  if (v) {
    const prefix = v[2] ?? '';
    return { kind: 'value', key: v[1], prefix, start: o - prefix.length };
  }
  return undefined;
}
