// `vmbackup validate <file>…`: the editor's checks for VCB and Oracle VM configuration files, for scripts and CI.
// Files are decoded as their reader decodes them (--encoding overrides the per-type default, e.g. cp932 for a
// config.js from a Japanese Windows proxy); file text in the output never reaches the terminal raw.
import * as fs from 'node:fs';
import { Args } from './args';
import { LANGUAGE_IDS, LanguageId, detectLanguage, sniffText, isKnownEncoding, validateBytes } from '../formats';
import { escapeControlChars } from '../core/controlChars';

export async function validateVerb(a: Args, out: (data: unknown, text: string) => void): Promise<number> {
  const forced = typeof a.flags.language === 'string' ? (a.flags.language as LanguageId) : undefined;
  if (forced && !LANGUAGE_IDS.includes(forced)) throw new Error(`--language must be one of ${LANGUAGE_IDS.join(', ')}`);
  const encoding = typeof a.flags.encoding === 'string' ? a.flags.encoding : undefined;
  if (encoding !== undefined && !isKnownEncoding(encoding))
    throw new Error(
      `--encoding: unknown encoding "${escapeControlChars(encoding)}" (e.g. cp932, windows-1252, utf8, utf16le)`,
    );
  if (!a.positional.length) throw new Error('validate: name at least one file');
  const results = a.positional.map((file) => {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (e) {
      return { file, languageId: null, diagnostics: [], error: unreadable(e) };
    }
    const languageId = forced ?? detectLanguage(file, sniffText(bytes));
    if (!languageId)
      return {
        file,
        languageId: null,
        diagnostics: [],
        error: `unknown file type: name its type with --language (${LANGUAGE_IDS.join(', ')})`,
      };
    const r = validateBytes(languageId, bytes, encoding);
    return { file, languageId, encoding: r.encoding, diagnostics: r.diagnostics };
  });
  const lines: string[] = [];
  for (const r of results) {
    const name = escapeControlChars(r.file);
    if ('error' in r && r.error) lines.push(`${name}: ${r.error}`);
    for (const d of r.diagnostics)
      lines.push(
        `${name}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.code}: ${escapeControlChars(d.message)}`,
      );
  }
  const errors = results.filter(
    (r) => ('error' in r && r.error) || r.diagnostics.some((d) => d.severity === 'error'),
  ).length;
  if (a.flags.json) writeJson(results, (chunk) => process.stdout.write(chunk));
  else out(results, lines.length ? lines.join('\n') : `${results.length} file(s) OK`);
  return errors ? 1 : 0;
}

/** Why a named file could not be read, in words (the errno code kept): a directory, a missing file, no permission. */
function unreadable(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  const why =
    code === 'EISDIR'
      ? 'is a directory: name the files in it'
      : code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'no permission to read it'
          : escapeControlChars((e as Error).message);
  return `cannot read (${code ?? 'error'}): ${why}`;
}

/**
 * Writes `JSON.stringify(results, null, 2)` in pieces: a 50,000-line file has tens of thousands of diagnostics, and one
 * string of all of them (plus its copy into a Buffer) doubled the CLI's peak memory.
 */
export function writeJson(
  results: ReadonlyArray<{ diagnostics: readonly unknown[] } & Record<string, unknown>>,
  write: (chunk: string) => void,
): void {
  const indent = (json: string, by: string) => json.replace(/\n/g, '\n' + by);
  write('[');
  results.forEach((r, i) => {
    const { diagnostics, ...rest } = r;
    const head = Object.entries(rest)
      .map(([k, v]) => `\n    ${JSON.stringify(k)}: ${indent(JSON.stringify(v, null, 2) ?? 'null', '    ')},`)
      .join('');
    write(`${i ? ',' : ''}\n  {${head}\n    "diagnostics": [`);
    let chunk = '';
    diagnostics.forEach((d, j) => {
      chunk += `${j ? ',' : ''}\n      ${indent(JSON.stringify(d, null, 2), '      ')}`;
      if (chunk.length > 1 << 16) {
        write(chunk);
        chunk = '';
      }
    });
    write(`${chunk}${diagnostics.length ? '\n    ' : ''}]\n  }`);
  });
  write(results.length ? '\n]\n' : ']\n');
}
