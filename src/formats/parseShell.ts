// Parser for Bourne-shell style KEY=value files (backuptools.conf, /etc/sysconfig/ovmm).
import { TextIndex } from './text';
import { Diagnostic, Entry, LanguageId, ParseResult } from './types';

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const WELL_KNOWN_ENV = new Set(['HOME', 'USER', 'PATH', 'HOSTNAME', 'PWD', 'LOGNAME', 'SHELL']);

function isBlank(c: string | undefined): boolean { return c === ' ' || c === '\t'; }
function isEol(c: string | undefined): boolean { return c === undefined || c === '\n' || c === '\r'; }

export function parseShell(text: string, languageId: LanguageId = 'backuptools-conf'): ParseResult {
  const ix = new TextIndex(text);
  const entries: Entry[] = [];
  const diagnostics: Diagnostic[] = [];
  const defined = new Set<string>();
  const diag = (s: number, e: number, severity: Diagnostic['severity'], code: string, message: string, data?: Record<string, unknown>) =>
    diagnostics.push({ range: ix.range(s, e), severity, code, message, ...(data ? { data } : {}) });
  const n = text.length;
  let i = 0;

  /** Skip a backslash-newline continuation at i; returns true when skipped. */
  const continuation = (): boolean => {
    if (text[i] === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) { i += text[i + 1] === '\n' ? 2 : 3; return true; }
    return false;
  };
  const skipBlanks = (): void => { while (i < n && (isBlank(text[i]) || continuation())) { if (isBlank(text[i])) i++; } };
  const skipRestOfLine = (): void => { while (i < n && !isEol(text[i])) { if (!continuation()) i++; } };

  /** Parses one shell word starting at i; returns the unescaped value. */
  const readWord = (): { value: string; quote: Entry['quote'] } => {
    let value = '';
    const kinds = new Set<string>();
    const dollar = (): void => {
      const ds = i;
      const nx = text[i + 1];
      if (nx === '{') {
        const close = text.indexOf('}', i + 2);
        const lineEnd = text.slice(i).search(/[\r\n]/);
        const limit = lineEnd < 0 ? n : i + lineEnd;
        if (close < 0 || close > limit) { diag(ds, limit, 'error', 'unterminated-substitution', 'Unterminated ${...} parameter expansion.'); value += text.slice(i, limit); i = limit; return; }
        const name = text.slice(i + 2, close).replace(/[:?+=#%-].*$/, '');
        i = close + 1;
        reportVar(ds, i, name);
        value += text.slice(ds, i);
        return;
      }
      NAME.lastIndex = i + 1;
      const m = NAME.exec(text);
      if (m) { i = i + 1 + m[0].length; reportVar(ds, i, m[0]); value += text.slice(ds, i); return; }
      if (nx !== undefined && /[0-9$#?!*@-]/.test(nx)) {
        i += 2;
        diag(ds, i, 'warning', 'unescaped-dollar', `"${text.slice(ds, i)}" is a special shell parameter and will be expanded — write "\\$" for a literal dollar sign.`, { name: nx });
        value += text.slice(ds, i); return;
      }
      if (nx === '(') {
        diag(ds, ds + 2, 'information', 'command-substitution', 'Command substitution $(...) is executed by the shell when the file is read; it is not evaluated here.');
      }
      value += '$'; i++;
    };
    const reportVar = (s: number, e: number, name: string): void => {
      if (defined.has(name) || WELL_KNOWN_ENV.has(name)) {
        diag(s, e, 'information', 'variable-reference', `Shell variable reference "${text.slice(s, e)}" is expanded when the file is read (not evaluated here).`, { name });
      } else {
        diag(s, e, 'warning', 'unescaped-dollar', `"${text.slice(s, e)}" is expanded by the shell as a variable (${name} is not set in this file) — escape it as "\\$" if it is a literal dollar sign (the guide's example: \\$server).`, { name });
      }
    };
    const backquote = (): void => {
      const bs = i;
      i++;
      while (i < n && text[i] !== '`') { if (text[i] === '\\') i++; i++; }
      if (i >= n) { diag(bs, n, 'error', 'unterminated-quote', 'Unterminated backquote command substitution.'); value += text.slice(bs); i = n; return; }
      i++;
      diag(bs, i, 'information', 'command-substitution', 'Backquote command substitution is executed by the shell when the file is read; it is not evaluated here.');
      value += text.slice(bs, i);
    };
    while (i < n) {
      const c = text[i];
      if (isBlank(c) || isEol(c) || c === ';' || c === '&' || c === '|' || c === '<' || c === '>' || c === '(' || c === ')') break;
      if (c === '\\') {
        if (continuation()) continue;
        if (i + 1 >= n) { i++; break; }
        value += text[i + 1]; i += 2; kinds.add('none'); continue;
      }
      if (c === "'") {
        const qs = i; i++;
        const close = text.indexOf("'", i);
        if (close < 0) { diag(qs, n, 'error', 'unterminated-quote', 'Unterminated single quote.'); value += text.slice(i); i = n; kinds.add('single'); break; }
        value += text.slice(i, close); i = close + 1; kinds.add('single'); continue;
      }
      if (c === '"') {
        const qs = i; i++;
        let closed = false;
        while (i < n) {
          const d = text[i];
          if (d === '"') { i++; closed = true; break; }
          if (d === '\\') {
            if (continuation()) continue;
            const nx = text[i + 1];
            if (nx === '$' || nx === '`' || nx === '"' || nx === '\\') { value += nx; i += 2; continue; }
            value += '\\'; i++; continue;
          }
          if (d === '$') { dollar(); continue; }
          if (d === '`') { backquote(); continue; }
          value += d; i++;
        }
        if (!closed) diag(qs, n, 'error', 'unterminated-quote', 'Unterminated double quote.');
        kinds.add('double'); continue;
      }
      if (c === '$') { dollar(); kinds.add('none'); continue; }
      if (c === '`') { backquote(); kinds.add('none'); continue; }
      value += c; i++; kinds.add('none');
    }
    const quote: Entry['quote'] = kinds.size === 0 ? 'none' : kinds.size > 1 ? 'mixed' : ([...kinds][0] as Entry['quote']);
    return { value, quote };
  };

  while (i < n) {
    // start of a statement
    while (i < n && (isBlank(text[i]) || isEol(text[i]) || text[i] === ';' || continuation())) { if (i < n && (isBlank(text[i]) || isEol(text[i]) || text[i] === ';')) i++; }
    if (i >= n) break;
    const stmtStart = i;
    if (text[i] === '#') { skipRestOfLine(); continue; }
    NAME.lastIndex = i;
    let m = NAME.exec(text);
    if (m && m[0] === 'export' && isBlank(text[i + 6])) {
      i += 6; skipBlanks();
      NAME.lastIndex = i; m = NAME.exec(text);
    }
    if (!m) {
      const s = i; skipRestOfLine();
      diag(s, Math.max(i, s + 1), 'warning', 'not-assignment', 'Not a KEY=value assignment; the shell will run this as a command.');
      continue;
    }
    const ks = i, ke = i + m[0].length;
    const key = m[0];
    i = ke;
    if (text[i] !== '=') {
      const afterKey = i;
      skipBlanks();
      if (text[i] === '=') {
        let eqEnd = i + 1;
        while (isBlank(text[eqEnd])) eqEnd++;
        diag(afterKey, eqEnd, 'error', 'space-around-equals', `Spaces around "=" make the shell run "${key}" as a command instead of assigning it — write ${key}=value.`, { key });
        i = eqEnd;
        const vs = i;
        const w = readWord();
        const ve = i;
        entries.push({ key, keyRange: ix.range(ks, ke), value: w.value, rawValue: text.slice(vs, ve), valueRange: ix.range(vs, ve), quote: w.quote, statementRange: ix.lineRange(stmtStart, ve) });
        defined.add(key);
        skipRestOfLine();
        continue;
      }
      i = afterKey; skipRestOfLine();
      diag(ks, Math.max(ke, Math.min(i, n)), 'warning', 'not-assignment', `"${key}" is not an assignment; the shell will run it as a command.`);
      continue;
    }
    i++; // '='
    const vs = i;
    if (isBlank(text[i])) {
      let e = i; while (isBlank(text[e])) e++;
      if (!isEol(text[e]) && text[e] !== '#' && text[e] !== ';') {
        diag(ke, e, 'error', 'space-around-equals', `A space after "=" assigns an empty value and runs the rest as a command — write ${key}=value.`, { key });
        i = e;
      }
    }
    const realVs = i;
    const w = readWord();
    let ve = i;
    // anything else on the line other than a comment makes this a different statement
    let j = i; while (isBlank(text[j])) j++;
    if (!isEol(text[j]) && text[j] !== '#' && text[j] !== ';' && text[j] !== '&' && text[j] !== '|') {
      i = j; skipRestOfLine();
      let e = i;
      const hash = text.slice(j, e).search(/\s#/);
      if (hash >= 0) e = j + hash;
      while (e > j && isBlank(text[e - 1])) e--;
      diag(realVs, e, 'error', 'unquoted-space', `Unquoted space in the value of ${key}: the shell assigns only the first word and runs the rest as a command — quote the value.`, { key });
      ve = e;
      entries.push({ key, keyRange: ix.range(ks, ke), value: text.slice(realVs, e), rawValue: text.slice(realVs, e), valueRange: ix.range(realVs, e), quote: 'none', statementRange: ix.lineRange(stmtStart, e) });
    } else {
      entries.push({ key, keyRange: ix.range(ks, ke), value: w.value, rawValue: text.slice(realVs, ve), valueRange: ix.range(realVs, ve), quote: w.quote, statementRange: ix.lineRange(stmtStart, ve) });
    }
    void vs;
    defined.add(key);
    skipBlanks();
    if (text[i] === '#') skipRestOfLine();
  }
  return { languageId, entries, diagnostics };
}
