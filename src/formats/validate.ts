// validate(): parse + schema + semantic diagnostics, never throws. validateBytes(): the same from a file's bytes.
import { decodeFile } from './decode';
import { parse } from './parse';
import { schemaDiagnostics } from './schemaValidate';
import { semanticDiagnostics } from './semanticRules';
import { TextIndex } from './text';
import { Diagnostic, LanguageId } from './types';
import { escapeControlChars } from '../core/controlChars';

const byPosition = (a: Diagnostic, b: Diagnostic) =>
  a.range.start.offset - b.range.start.offset || a.range.end.offset - b.range.end.offset;

export function validate(languageId: LanguageId, text: string): Diagnostic[] {
  const t = typeof text === 'string' ? text : String(text ?? '');
  try {
    const parsed = parse(languageId, t);
    const all = [
      ...parsed.diagnostics,
      ...schemaDiagnostics(languageId, t, parsed.entries, parsed.syntaxErrors),
      ...semanticDiagnostics(languageId, parsed.entries),
    ];
    return all.sort(byPosition);
  } catch (err) {
    const ix = new TextIndex(t);
    return [
      {
        range: ix.range(0, 0),
        severity: 'information',
        code: 'internal-error',
        message: `Validation failed: ${escapeControlChars(err instanceof Error ? err.message : String(err))}`,
      },
    ];
  }
}

export interface FileValidation {
  /** The text as the file's reader sees it (positions of the diagnostics refer to it). */
  text: string;
  /** The encoding used to decode it (iconv-lite name). */
  encoding: string;
  diagnostics: Diagnostic[];
}

/**
 * Decodes `bytes` as the program that reads the file does (see decode.ts; `encoding` from the setting or --encoding)
 * and validates the text. A binary file gets one diagnostic; a config.js UTF-8 BOM is reported once (its characters
 * are not reported again as a syntax error).
 */
export function validateBytes(languageId: LanguageId, bytes: Uint8Array, encoding?: string): FileValidation {
  const decoded = decodeFile(bytes, languageId, encoding);
  if (decoded.binary) return { text: decoded.text, encoding: decoded.encoding, diagnostics: decoded.diagnostics };
  const bom = decoded.diagnostics.find((d) => d.code === 'utf8-bom');
  const seen = bom ? ' '.repeat(bom.range.end.offset) + decoded.text.slice(bom.range.end.offset) : decoded.text;
  return {
    text: decoded.text,
    encoding: decoded.encoding,
    diagnostics: [...decoded.diagnostics, ...validate(languageId, seen)].sort(byPosition),
  };
}
