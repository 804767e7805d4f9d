// Dispatches to the parser for a language.
import { parseConfigJs } from './parseConfigJs';
import { parseKeyValue } from './parseKeyValue';
import { parseShell } from './parseShell';
import { LanguageId, ParseResult } from './types';

export function parse(languageId: LanguageId, text: string): ParseResult {
  const t = typeof text === 'string' ? text : String(text ?? '');
  switch (languageId) {
    case 'vcb-config-js':
      return parseConfigJs(t);
    case 'backuptools-conf':
      return parseShell(t, 'backuptools-conf');
    case 'ovmm-sysconfig':
      return parseShell(t, 'ovmm-sysconfig');
    case 'vcb-catalog':
      return parseKeyValue(t, 'vcb-catalog', { keyPattern: /^[A-Za-z_][A-Za-z0-9_.:* -]*$/, allowSpaces: true });
    case 'ovm-config':
      return parseKeyValue(t, 'ovm-config', {
        keyPattern: /^[A-Za-z_][A-Za-z0-9_.]*$/,
        allowSpaces: false,
        shellRead: true,
      });
    default:
      return { languageId, entries: [], diagnostics: [] };
  }
}
