// validate(): parse + schema + semantic diagnostics, never throws.
import { parse } from './parse';
import { schemaDiagnostics } from './schemaValidate';
import { semanticDiagnostics } from './semanticRules';
import { TextIndex } from './text';
import { Diagnostic, LanguageId } from './types';

export function validate(languageId: LanguageId, text: string): Diagnostic[] {
  const t = typeof text === 'string' ? text : String(text ?? '');
  try {
    const parsed = parse(languageId, t);
    const all = [...parsed.diagnostics, ...schemaDiagnostics(languageId, t, parsed.entries), ...semanticDiagnostics(languageId, parsed.entries)];
    return all.sort((a, b) => a.range.start.offset - b.range.start.offset || a.range.end.offset - b.range.end.offset);
  } catch (err) {
    const ix = new TextIndex(t);
    return [{ range: ix.range(0, 0), severity: 'information', code: 'internal-error', message: `Validation failed: ${err instanceof Error ? err.message : String(err)}` }];
  }
}
