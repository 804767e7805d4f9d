// Writes keys and values in each language's syntax (used by completions and quick fixes).
import { LanguageId } from './types';

export function quoteValue(
  lang: LanguageId,
  value: string,
  style: 'double' | 'single' | 'none' | 'mixed' = 'double',
): string {
  switch (lang) {
    case 'vcb-config-js':
      return '"' + value.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
    case 'backuptools-conf':
    case 'ovmm-sysconfig':
      if (style === 'single' && !value.includes("'")) return `'${value}'`;
      if (style === 'none' && /^[\w./:@%+,-]*$/.test(value)) return value;
      return '"' + value.replace(/(["\\$`])/g, '\\$1') + '"';
    case 'vcb-catalog':
      return style === 'none' ? value : '"' + value.replace(/"/g, '\\"') + '"';
    case 'ovm-config':
      return value;
    default:
      return value;
  }
}

export function assignment(lang: LanguageId, key: string, value: string): string {
  switch (lang) {
    case 'vcb-config-js':
      return `${key}=${quoteValue(lang, value)};`;
    case 'backuptools-conf':
    case 'ovmm-sysconfig':
      return `${key}=${quoteValue(lang, value, 'double')}`;
    case 'vcb-catalog':
      return `${key}= ${quoteValue(lang, value, 'double')}`;
    default:
      return `${key}=${value}`;
  }
}
