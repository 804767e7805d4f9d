// Parser for simple line-oriented key=value files (VCB catalog, Oracle VM Manager .config).
import { TextIndex } from './text';
import { Diagnostic, Entry, LanguageId, ParseResult } from './types';
import { crlfMessage, describeInvisible } from './parseShell';
import { quoteForMessage } from '../core/controlChars';

export interface KeyValueOptions {
  /** Characters allowed in a key. */
  keyPattern: RegExp;
  /** Whether spaces around "=" are legal (catalog: yes; .config: no — warning). */
  allowSpaces: boolean;
  /**
   * Oracle VM .config: read line by line and, by admins' scripts, word by word by a shell (S9:
   * ``for i in `cat .config`; do export $i; done``): no trailing comments, and a CR of a Windows line ending stays in the value.
   */
  shellRead?: boolean;
}

export function parseKeyValue(text: string, languageId: LanguageId, opts: KeyValueOptions): ParseResult {
  const ix = new TextIndex(text);
  const entries: Entry[] = [];
  const diagnostics: Diagnostic[] = [];
  const re = /[^\r\n]*(\r\n|\n|\r)?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    if (m[0] === '') break;
    const lineStart = m.index;
    const line = m[0].replace(/[\r\n]+$/, '');
    const lineEnd = lineStart + line.length;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('//') || trimmed.startsWith(';')) continue;
    const lead = line.length - line.trimStart().length;
    const eq = line.indexOf('=');
    if (eq < 0) {
      diagnostics.push({
        range: ix.range(lineStart + lead, lineEnd),
        severity: 'error',
        code: 'syntax-error',
        message: 'Expected key=value.',
      });
      continue;
    }
    let keyEnd = eq;
    while (keyEnd > lead && /\s/.test(line[keyEnd - 1])) keyEnd--;
    const key = line.slice(lead, keyEnd);
    let vs = eq + 1;
    while (vs < line.length && /\s/.test(line[vs])) vs++;
    let ve = line.length;
    while (ve > vs && /\s/.test(line[ve - 1])) ve--;
    const ks = lineStart + lead,
      ke = lineStart + keyEnd;
    if (key === '' || !opts.keyPattern.test(key)) {
      const odd = /[\uFEFF\u3000\u00A0\u2000-\u200D\u2060]/.exec(key);
      diagnostics.push({
        range: ix.range(ks, Math.max(ke, ks + 1)),
        severity: 'error',
        code: odd?.[0] === '\uFEFF' ? 'bom' : 'syntax-error',
        message:
          key === ''
            ? 'Missing key before "=".'
            : `Invalid key "${quoteForMessage(key)}"${odd ? `: it contains ${describeInvisible(odd[0])}` : ''}.`,
        ...(odd ? { data: { offset: ks + odd.index, ch: odd[0] } } : {}),
      });
      if (key === '') continue;
    }
    if (opts.shellRead && m[1] === '\r\n') {
      diagnostics.push({
        range: ix.range(lineEnd, lineEnd + 1),
        severity: 'error',
        code: 'crlf',
        message: crlfMessage(key),
        data: { eol: 'lf' },
      });
    }
    if (!opts.allowSpaces && (keyEnd !== eq || (vs !== eq + 1 && vs < line.length))) {
      diagnostics.push({
        range: ix.range(ke, lineStart + vs),
        severity: 'warning',
        code: 'space-around-equals',
        message: `Write ${key}=value without spaces around "=".`,
        data: { key },
      });
    }
    if (opts.shellRead && line[vs] !== '"' && line[vs] !== "'") {
      const hash = /\s+#/.exec(line.slice(vs, ve));
      if (hash) {
        const cs = vs + hash.index;
        diagnostics.push({
          range: ix.range(lineStart + cs + hash[0].length - 1, lineStart + ve),
          severity: 'warning',
          code: 'trailing-comment',
          data: { key, commentRange: ix.range(lineStart + cs, lineStart + ve) },
          message: `This file has no trailing comments: ${key}'s value would be "${quoteForMessage(line.slice(vs, ve), 60)}", and a shell loop that exports each word (for i in \`cat .config\`; do export $i; done) runs export with "#" — put the comment on a line of its own.`,
        });
        ve = cs;
      }
    }
    const raw = line.slice(vs, ve);
    let value = raw;
    let quote: Entry['quote'] = 'none';
    const q = raw[0];
    if (q === '"' || q === "'") {
      quote = q === '"' ? 'double' : 'single';
      if (raw.length >= 2 && raw.endsWith(q)) value = raw.slice(1, -1);
      else {
        value = raw.slice(1);
        diagnostics.push({
          range: ix.range(lineStart + vs, lineStart + ve),
          severity: 'error',
          code: 'unterminated-quote',
          message: 'Unterminated quoted value.',
        });
      }
      if (quote === 'double') value = value.replace(/\\(["\\])/g, '$1');
    }
    entries.push({
      key,
      keyRange: ix.range(ks, ke),
      value,
      rawValue: raw,
      valueRange: ix.range(lineStart + vs, lineStart + ve),
      quote,
      statementRange: ix.lineRange(lineStart, lineEnd),
    });
  }
  return { languageId, entries, diagnostics };
}
