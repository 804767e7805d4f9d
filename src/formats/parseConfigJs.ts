// Parser for VCB config.js: JScript global assignments NAME="value"; with // and /* */ comments.
import { TextIndex } from './text';
import { Diagnostic, Entry, ParseResult } from './types';

const ID_START = /[A-Za-z_$]/;
const ID_PART = /[A-Za-z0-9_$]/;
const JS_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0', '\\': '\\', '"': '"', "'": "'" };

export function parseConfigJs(text: string): ParseResult {
  const ix = new TextIndex(text);
  const entries: Entry[] = [];
  const diagnostics: Diagnostic[] = [];
  const diag = (s: number, e: number, severity: Diagnostic['severity'], code: string, message: string, data?: Record<string, unknown>) =>
    diagnostics.push({ range: ix.range(s, e), severity, code, message, ...(data ? { data } : {}) });
  let i = 0;
  const n = text.length;

  const skipTrivia = (stopAtNewline = false): void => {
    while (i < n) {
      const c = text[i];
      if (c === '\n' && stopAtNewline) return;
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\uFEFF' || c === '\f' || c === '\v') { i++; continue; }
      if (c === '/' && text[i + 1] === '/') { while (i < n && text[i] !== '\n') i++; continue; }
      if (c === '/' && text[i + 1] === '*') {
        const end = text.indexOf('*/', i + 2);
        if (end < 0) { diag(i, n, 'error', 'unterminated-comment', 'Unterminated /* comment.'); i = n; return; }
        i = end + 2; continue;
      }
      return;
    }
  };
  const skipToStatementEnd = (): void => {
    while (i < n && text[i] !== ';' && text[i] !== '\n') i++;
    if (text[i] === ';') i++;
  };

  while (true) {
    skipTrivia();
    if (i >= n) break;
    const stmtStart = i;
    if (text[i] === ';') { i++; continue; }
    if (!ID_START.test(text[i])) {
      const s = i; skipToStatementEnd();
      diag(s, Math.max(i, s + 1), 'error', 'syntax-error', 'Expected an assignment NAME="value";');
      continue;
    }
    let ks = i;
    while (i < n && ID_PART.test(text[i])) i++;
    let key = text.slice(ks, i);
    if (key === 'var') {
      skipTrivia();
      if (i < n && ID_START.test(text[i])) { ks = i; while (i < n && ID_PART.test(text[i])) i++; key = text.slice(ks, i); }
    }
    const ke = i;
    skipTrivia();
    if (text[i] !== '=') {
      const s = i; skipToStatementEnd();
      diag(ks, ke, 'error', 'syntax-error', `Expected "=" after ${key}.`);
      void s; continue;
    }
    i++;
    skipTrivia(true);
    const vs = i;
    let value = '';
    let quote: Entry['quote'] = 'none';
    if (text[i] === '"' || text[i] === "'") {
      const q = text[i];
      quote = q === '"' ? 'double' : 'single';
      i++;
      let closed = false;
      while (i < n) {
        const c = text[i];
        if (c === q) { i++; closed = true; break; }
        if (c === '\n' || c === '\r') break;
        if (c === '\\') {
          const nx = text[i + 1];
          if (nx === undefined) { i++; break; }
          if (nx in JS_ESCAPES) {
            if (nx !== '\\' && nx !== '"' && nx !== "'" && (key === 'BACKUPROOT' || /^[A-Za-z]:/.test(value))) {
              diag(i, i + 2, 'warning', 'single-backslash', `"\\${nx}" is a JScript escape sequence, not a path separator — double the backslash ("\\\\${nx}").`);
            }
            value += JS_ESCAPES[nx]; i += 2; continue;
          }
          if (nx === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4))) { value += String.fromCharCode(parseInt(text.slice(i + 2, i + 4), 16)); i += 4; continue; }
          if (nx === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) { value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16)); i += 6; continue; }
          diag(i, i + 2, 'warning', 'single-backslash', `Single backslash before "${nx}" is dropped by JScript — backslashes must be doubled ("\\\\").`);
          value += nx; i += 2; continue;
        }
        value += c; i++;
      }
      if (!closed) diag(vs, i, 'error', 'unterminated-string', 'Unterminated string literal.');
    } else {
      while (i < n && text[i] !== ';' && text[i] !== '\n' && text[i] !== '\r' && !(text[i] === '/' && (text[i + 1] === '/' || text[i + 1] === '*'))) i++;
      let e = i;
      while (e > vs && /\s/.test(text[e - 1])) e--;
      value = text.slice(vs, e);
      i = e;
      if (value === '') diag(ke, vs, 'error', 'syntax-error', `Missing value for ${key}.`);
      else if (!/^-?\d+(\.\d+)?$/.test(value) && !/^(true|false)$/.test(value)) diag(vs, e, 'warning', 'unquoted-value', `Value of ${key} should be a double-quoted string.`);
    }
    const ve = i;
    skipTrivia(true);
    if (text[i] === ';') i++;
    else diag(ve > vs ? ve - 1 : vs, ve, 'information', 'missing-semicolon', 'Statement should end with ";".');
    entries.push({
      key, keyRange: ix.range(ks, ke), value, rawValue: text.slice(vs, ve), valueRange: ix.range(vs, ve), quote,
      statementRange: ix.lineRange(stmtStart, i),
    });
  }
  return { languageId: 'vcb-config-js', entries, diagnostics };
}
