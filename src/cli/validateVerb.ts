// `vmbackup validate <file>…`: the editor's checks for VCB and Oracle VM configuration files, for scripts and CI.
import * as fs from 'node:fs';
import { Args } from './args';
import { LANGUAGE_IDS, LanguageId, detectLanguage, validate } from '../formats';

export async function validateVerb(a: Args, out: (data: unknown, text: string) => void): Promise<number> {
  const forced = typeof a.flags.language === 'string' ? (a.flags.language as LanguageId) : undefined;
  if (forced && !LANGUAGE_IDS.includes(forced)) throw new Error(`--language must be one of ${LANGUAGE_IDS.join(', ')}`);
  if (!a.positional.length) throw new Error('validate: name at least one file');
  const results = a.positional.map((file) => {
    const text = fs.readFileSync(file, 'utf8');
    const languageId = forced ?? detectLanguage(file, text);
    if (!languageId) return { file, languageId: null, diagnostics: [], error: 'unknown file type (use --language)' };
    return { file, languageId, diagnostics: validate(languageId, text) };
  });
  const lines: string[] = [];
  for (const r of results) {
    if ('error' in r && r.error) lines.push(`${r.file}: ${r.error}`);
    for (const d of r.diagnostics) lines.push(`${r.file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.code}: ${d.message}`);
  }
  const errors = results.filter((r) => ('error' in r && r.error) || r.diagnostics.some((d) => d.severity === 'error')).length;
  out(results, lines.length ? lines.join('\n') : `${results.length} file(s) OK`);
  return errors ? 1 : 0;
}
