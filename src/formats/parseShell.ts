// Parser for Bourne-shell style KEY=value files (backuptools.conf, /etc/sysconfig/ovmm).
import { TextIndex } from './text';
import { Diagnostic, Entry, LanguageId, ParseResult } from './types';
import { quoteForMessage } from '../core/controlChars';

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
/** bash's declaration builtins (their NAME=value arguments are assignments, not a command's environment). */
const DECLARATION_BUILTINS = new Set(['export', 'readonly', 'declare', 'typeset', 'local']);
const WELL_KNOWN_ENV = new Set(['HOME', 'USER', 'PATH', 'HOSTNAME', 'PWD', 'LOGNAME', 'SHELL']);

function isBlank(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}
function isEol(c: string | undefined): boolean {
  return c === undefined || c === '\n' || c === '\r';
}

export function parseShell(text: string, languageId: LanguageId = 'backuptools-conf'): ParseResult {
  const ix = new TextIndex(text);
  const entries: Entry[] = [];
  const diagnostics: Diagnostic[] = [];
  const defined = new Set<string>();
  const diag = (
    s: number,
    e: number,
    severity: Diagnostic['severity'],
    code: string,
    message: string,
    data?: Record<string, unknown>,
  ) => diagnostics.push({ range: ix.range(s, e), severity, code, message, ...(data ? { data } : {}) });
  const n = text.length;
  let i = 0;

  /** Skip a backslash-newline continuation at i; returns true when skipped. */
  const continuation = (): boolean => {
    if (text[i] === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
      i += text[i + 1] === '\n' ? 2 : 3;
      return true;
    }
    return false;
  };
  const skipBlanks = (): void => {
    while (i < n && (isBlank(text[i]) || continuation())) {
      if (isBlank(text[i])) i++;
    }
  };
  /** The offset after the blanks (and backslash-newline continuations, which bash removes) from `at`. */
  const blanksFrom = (at: number): number => {
    const save = i;
    i = at;
    while (i < n && (isBlank(text[i]) || continuation())) {
      if (isBlank(text[i])) i++;
    }
    const e = i;
    i = save;
    return e;
  };
  const skipRestOfLine = (): void => {
    while (i < n && !isEol(text[i])) {
      if (!continuation()) i++;
    }
  };

  /** Parses one shell word starting at i; returns the unescaped value. */
  const readWord = (): { value: string; quote: Entry['quote']; computed: boolean } => {
    let value = '';
    let computed = false;
    const kinds = new Set<string>();
    const dollar = (): void => {
      const ds = i;
      const nx = text[i + 1];
      if (nx === '{') {
        const close = text.indexOf('}', i + 2);
        const lineEnd = text.slice(i).search(/[\r\n]/);
        const limit = lineEnd < 0 ? n : i + lineEnd;
        if (close < 0 || close > limit) {
          diag(ds, limit, 'error', 'unterminated-substitution', 'Unterminated ${...} parameter expansion.');
          value += text.slice(i, limit);
          i = limit;
          return;
        }
        const name = text.slice(i + 2, close).replace(/[:?+=#%-].*$/, '');
        i = close + 1;
        reportVar(ds, i, name);
        value += text.slice(ds, i);
        return;
      }
      NAME.lastIndex = i + 1;
      const m = NAME.exec(text);
      if (m) {
        i = i + 1 + m[0].length;
        reportVar(ds, i, m[0]);
        value += text.slice(ds, i);
        return;
      }
      if (nx !== undefined && /[0-9$#?!*@-]/.test(nx)) {
        i += 2;
        diag(
          ds,
          i,
          'warning',
          'unescaped-dollar',
          `"${text.slice(ds, i)}" is a special shell parameter and will be expanded — write "\\$" for a literal dollar sign.`,
          { name: nx },
        );
        value += text.slice(ds, i);
        return;
      }
      if (nx === '(') {
        // $(…) / $((…)): one word up to the matching ")", blanks and nesting included (bash reads it whole).
        let depth = 0,
          k = i + 1,
          q = '';
        for (; k < n; k++) {
          const d = text[k];
          if (q) {
            if (d === '\\' && q === '"') k++;
            else if (d === q) q = '';
            continue;
          }
          if (d === '\\') {
            k++;
            continue;
          }
          if (d === "'" || d === '"') {
            q = d;
            continue;
          }
          if (d === '(') depth++;
          else if (d === ')' && --depth === 0) break;
        }
        if (k >= n) {
          diag(ds, n, 'error', 'unterminated-substitution', 'Unterminated $(...) command substitution.');
          value += text.slice(ds);
          i = n;
          computed = true;
          return;
        }
        i = k + 1;
        diag(
          ds,
          ds + 2,
          'information',
          'command-substitution',
          'Command substitution $(...) is executed by the shell when the file is read; it is not evaluated here.',
        );
        value += text.slice(ds, i);
        computed = true;
        return;
      }
      value += '$';
      i++;
    };
    const reportVar = (s: number, e: number, name: string): void => {
      if (defined.has(name) || WELL_KNOWN_ENV.has(name)) {
        diag(
          s,
          e,
          'information',
          'variable-reference',
          `Shell variable reference "${text.slice(s, e)}" is expanded when the file is read (not evaluated here).`,
          { name },
        );
      } else {
        diag(
          s,
          e,
          'warning',
          'unescaped-dollar',
          `"${text.slice(s, e)}" is expanded by the shell as a variable (${name} is not set in this file) — escape it as "\\$" if it is a literal dollar sign (the guide's example: \\$server).`,
          { name },
        );
      }
    };
    const backquote = (): void => {
      const bs = i;
      i++;
      while (i < n && text[i] !== '`') {
        if (text[i] === '\\') i++;
        i++;
      }
      if (i >= n) {
        diag(bs, n, 'error', 'unterminated-quote', 'Unterminated backquote command substitution.');
        value += text.slice(bs);
        i = n;
        return;
      }
      i++;
      diag(
        bs,
        i,
        'information',
        'command-substitution',
        'Backquote command substitution is executed by the shell when the file is read; it is not evaluated here.',
      );
      value += text.slice(bs, i);
      computed = true;
    };
    while (i < n) {
      const c = text[i];
      if (
        isBlank(c) ||
        isEol(c) ||
        c === ';' ||
        c === '&' ||
        c === '|' ||
        c === '<' ||
        c === '>' ||
        c === '(' ||
        c === ')'
      )
        break;
      if (c === '\\') {
        if (continuation()) continue;
        if (i + 1 >= n) {
          i++;
          break;
        }
        value += text[i + 1];
        i += 2;
        kinds.add('none');
        continue;
      }
      if (c === "'") {
        const qs = i;
        i++;
        const close = text.indexOf("'", i);
        if (close < 0) {
          diag(qs, n, 'error', 'unterminated-quote', 'Unterminated single quote.');
          value += text.slice(i);
          i = n;
          kinds.add('single');
          break;
        }
        value += text.slice(i, close);
        i = close + 1;
        kinds.add('single');
        continue;
      }
      if (c === '"') {
        const qs = i;
        i++;
        let closed = false;
        while (i < n) {
          const d = text[i];
          if (d === '"') {
            i++;
            closed = true;
            break;
          }
          if (d === '\\') {
            if (continuation()) continue;
            const nx = text[i + 1];
            if (nx === '$' || nx === '`' || nx === '"' || nx === '\\') {
              value += nx;
              i += 2;
              continue;
            }
            value += '\\';
            i++;
            continue;
          }
          if (d === '$') {
            dollar();
            continue;
          }
          if (d === '`') {
            backquote();
            continue;
          }
          value += d;
          i++;
        }
        if (!closed) diag(qs, n, 'error', 'unterminated-quote', 'Unterminated double quote.');
        kinds.add('double');
        continue;
      }
      if (c === '$') {
        dollar();
        kinds.add('none');
        continue;
      }
      if (c === '`') {
        backquote();
        kinds.add('none');
        continue;
      }
      value += c;
      i++;
      kinds.add('none');
    }
    const quote: Entry['quote'] =
      kinds.size === 0 ? 'none' : kinds.size > 1 ? 'mixed' : ([...kinds][0] as Entry['quote']);
    return { value, quote, computed };
  };

  /** The rest of the line as bash's command words (up to a comment or the end of the line): [start, end). */
  const commandWords = (from: number): { end: number; first: string } => {
    i = from;
    skipRestOfLine();
    let e = i;
    const hash = text.slice(from, e).search(/[ \t]#/);
    if (hash >= 0) e = from + hash;
    while (e > from && (isBlank(text[e - 1]) || text[e - 1] === '\r')) e--;
    const first = /^\S+/.exec(text.slice(from, e))?.[0] ?? '';
    return { end: e, first };
  };
  const invisibleIn = (s: number, e: number): { offset: number; ch: string } | undefined => {
    INVISIBLE.lastIndex = 0;
    const m = INVISIBLE.exec(text.slice(s, e));
    return m ? { offset: s + m.index, ch: m[0] } : undefined;
  };
  const push = (
    key: string,
    ks: number,
    ke: number,
    vs: number,
    ve: number,
    value: string,
    quote: Entry['quote'],
    stmtStart: number,
    computed = false,
  ): Entry => {
    const e: Entry = {
      key,
      keyRange: ix.range(ks, ke),
      value,
      rawValue: text.slice(vs, ve),
      valueRange: ix.range(vs, ve),
      quote,
      statementRange: ix.lineRange(stmtStart, ve),
    };
    // A command's output: not written in the file, and not checked against the schema here.
    if (computed) {
      e.computed = true;
      e.unevaluated = true;
    }
    // $KEY / ${KEY} in the value (reported by reportVar as it was read): a deliberate re-assignment such as A=$A:x.
    for (let k = diagnostics.length - 1; k >= 0 && diagnostics[k].range.start.offset >= vs; k--) {
      if (diagnostics[k].code === 'variable-reference' && diagnostics[k].data?.name === key) e.selfReference = true;
    }
    entries.push(e);
    defined.add(key);
    return e;
  };

  /**
   * `export` / `readonly` / `declare` / `typeset` / `local` at i: bash's declaration builtins take every following word as
   * an argument — NAME=value assigns (no command runs after it), NAME alone only marks the variable, an option (-x) is
   * skipped, anything else is "not a valid identifier". `local` outside a function assigns nothing.
   */
  const declaration = (builtin: string, stmtStart: number): void => {
    const bs = i;
    i += builtin.length;
    if (builtin === 'local') {
      skipRestOfLine();
      diag(
        bs,
        bs + builtin.length,
        'warning',
        'local-outside-function',
        '"local" only works inside a shell function: bash reading this file prints "local: can only be used in a function" and assigns nothing on this line — remove "local".',
      );
      return;
    }
    for (;;) {
      i = blanksFrom(i);
      const c = text[i];
      if (i >= n || isEol(c) || c === ';' || c === '#' || c === '&' || c === '|') return;
      const ws = i;
      if (c === '-' || c === '+') {
        while (i < n && !isBlank(text[i]) && !isEol(text[i]) && text[i] !== ';') i++;
        continue;
      }
      NAME.lastIndex = i;
      const name = NAME.exec(text);
      if (name && text[i + name[0].length] === '=') {
        const ke = i + name[0].length;
        i = ke + 1;
        const vs = i;
        const w = readWord();
        push(name[0], ws, ke, vs, i, w.value, w.quote, stmtStart, w.computed);
        continue;
      }
      const ne = name ? i + name[0].length : i;
      if (name && (isBlank(text[ne]) || isEol(text[ne]) || text[ne] === ';' || text[ne] === '\\')) {
        i = ne;
        continue;
      }
      readWord();
      diag(
        ws,
        Math.max(i, ws + 1),
        'error',
        'not-identifier',
        `${builtin}: "${quoteForMessage(text.slice(ws, i), 40)}" is not a valid identifier — bash prints that error and assigns nothing for this word.`,
      );
    }
  };

  let afterComment = false;
  while (i < n) {
    // Between statements: blanks, ';', newlines. bash reads a CR as an ordinary character (a word, or part of one).
    while (i < n) {
      const c = text[i];
      if (c === '\n') {
        afterComment = false;
        i++;
        continue;
      }
      if (c === '\r') {
        if (!afterComment) {
          const last = entries[entries.length - 1];
          diag(
            i,
            i + 1,
            'error',
            'crlf',
            crlfMessage(last && last.valueRange.end.offset === i ? last.key : undefined),
            { eol: 'lf' },
          );
        }
        i++;
        continue;
      }
      if (isBlank(c) || c === ';') {
        i++;
        continue;
      }
      if (continuation()) continue;
      break;
    }
    if (i >= n) break;
    const stmtStart = i;
    if (text[i] === '#') {
      skipRestOfLine();
      afterComment = true;
      continue;
    }
    if (INVISIBLE_AT.test(text[i])) {
      const ch = text[i];
      const { end } = commandWords(i);
      const what = describeInvisible(ch);
      const shown =
        `<U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>` +
        quoteForMessage(text.slice(stmtStart + 1, end), 60);
      diag(
        stmtStart,
        stmtStart + 1,
        'error',
        ch === '\uFEFF' ? 'bom' : 'invisible-character',
        ch === '\uFEFF' && stmtStart === 0
          ? `Line 1 starts with ${what} (bytes EF BB BF): bash does not skip it, so it runs "${shown}" as a command ("command not found") and nothing on this line is assigned — save the file without BOM.`
          : `Line starts with ${what}, which bash does not treat as a blank: it runs "${shown}" as a command and nothing on this line is assigned.`,
        { offset: stmtStart, ch },
      );
      continue;
    }
    NAME.lastIndex = i;
    let m = NAME.exec(text);
    if (m && DECLARATION_BUILTINS.has(m[0]) && text[i + m[0].length] !== '=') {
      const after = text[i + m[0].length];
      if (isBlank(after) || isEol(after) || after === ';' || after === '\\') {
        declaration(m[0], stmtStart);
        continue;
      }
    }
    if (!m) {
      const s = i;
      skipRestOfLine();
      diag(
        s,
        Math.max(i, s + 1),
        'warning',
        'not-assignment',
        'Not a KEY=value assignment; the shell will run this as a command.',
      );
      continue;
    }
    if (text[i + m[0].length] !== '=') {
      const ks = i,
        ke = i + m[0].length,
        key = m[0];
      i = ke;
      skipBlanks();
      if (text[i] === '=') {
        let eqEnd = i + 1;
        while (isBlank(text[eqEnd])) eqEnd++;
        const args = text.slice(i, commandWords(i).end);
        diag(
          ke,
          eqEnd,
          'error',
          'space-around-equals',
          `Spaces around "=": bash runs "${key}" as a command (with "${quoteForMessage(args, 40)}" as its arguments) instead of assigning it, and ${key} stays unset — write ${key}=value.`,
          { key },
        );
        i = eqEnd;
        const vs = i;
        const w = readWord();
        push(key, ks, ke, vs, i, w.value, w.quote, stmtStart, w.computed);
        skipRestOfLine();
        continue;
      }
      i = ke;
      skipRestOfLine();
      diag(
        ks,
        Math.max(ke, Math.min(i, n)),
        'warning',
        'not-assignment',
        `"${key}" is not an assignment; the shell will run it as a command.`,
      );
      continue;
    }
    // One or more assignments (bash: A=1 B=2 sets both); words after them make it a command that gets them in its environment only.
    const statement: Entry[] = [];
    for (;;) {
      const ks = i,
        ke = i + m![0].length,
        key = m![0];
      i = ke + 1; // past '='
      if (isBlank(text[i])) {
        let e = i;
        while (isBlank(text[e])) e++;
        if (!isEol(text[e]) && text[e] !== '#' && text[e] !== ';') {
          const cmd = commandWords(e);
          diag(
            ke,
            e,
            'error',
            'space-around-equals',
            `A blank after "=" ends the assignment: bash runs "${quoteForMessage(cmd.first, 40)}" as a command with ${key} empty in its environment only, and ${key} stays unset — write ${key}=value.`,
            { key },
          );
          statement.push(push(key, ks, ke, e, cmd.end, text.slice(e, cmd.end), 'none', stmtStart));
          break;
        }
      }
      const vs = i;
      const w = readWord();
      const ve = i;
      const j = blanksFrom(i);
      if (isEol(text[j]) || text[j] === '#' || text[j] === ';' || text[j] === '&' || text[j] === '|') {
        const inv = w.quote !== 'single' && w.quote !== 'double' ? invisibleIn(vs, ve) : undefined;
        if (inv)
          diag(
            inv.offset,
            inv.offset + 1,
            'warning',
            'invisible-character',
            `The value of ${key} contains ${describeInvisible(inv.ch)}: bash does not treat it as a blank, so it is part of the value.`,
            { key, offset: inv.offset, ch: inv.ch },
          );
        statement.push(push(key, ks, ke, vs, ve, w.value, w.quote, stmtStart, w.computed));
        i = j;
        if (text[i] === '#') {
          skipRestOfLine();
          afterComment = true;
        }
        break;
      }
      NAME.lastIndex = j;
      const next = NAME.exec(text);
      if (next && text[j + next[0].length] === '=') {
        statement.push(push(key, ks, ke, vs, ve, w.value, w.quote, stmtStart, w.computed));
        i = j;
        m = next;
        continue;
      }
      // A=value word…: bash runs `word` as a command; every assignment of this statement is in its environment only.
      const cmd = commandWords(j);
      const inv = invisibleIn(vs, ve);
      const why = inv
        ? `${describeInvisible(inv.ch)} in the value is not a blank to bash${text[inv.offset + 1] === '#' ? ', so the "#" after it does not start a comment' : ''}, and `
        : 'an unquoted blank ends the value: ';
      const keys = [...statement.map((e) => e.key), key].join(', ');
      diag(
        vs,
        cmd.end,
        'error',
        'unquoted-space',
        `Unquoted space in the value of ${key}: ${why}bash runs "${quoteForMessage(cmd.first, 40)}" as a command, with ${keys} set only in that command's environment — ${keys} ${statement.length ? 'stay' : 'stays'} unset. ${inv ? 'Replace it with an ordinary space, or quote the value.' : 'Quote the value.'}`,
        inv ? { key, offset: inv.offset, ch: inv.ch } : { key },
      );
      statement.push(push(key, ks, ke, vs, cmd.end, text.slice(vs, cmd.end), 'none', stmtStart));
      break;
    }
    skipBlanks();
    if (text[i] === '#') {
      skipRestOfLine();
      afterComment = true;
    }
  }
  return { languageId, entries, diagnostics };
}

/** Characters that look like a blank (or nothing) but are not one to bash. */
const INVISIBLE = /[\uFEFF\u3000\u00A0\u2000-\u200D\u2060\u202F\u205F]/g;
const INVISIBLE_AT = /[\uFEFF\u3000\u00A0\u2000-\u200D\u2060\u202F\u205F]/;

/** Names an invisible character in a message. */
export function describeInvisible(ch: string): string {
  switch (ch) {
    case '\uFEFF':
      return 'a UTF-8 byte order mark (U+FEFF)';
    case '\u3000':
      return 'a full-width space (U+3000 IDEOGRAPHIC SPACE)';
    case '\u00A0':
      return 'a non-breaking space (U+00A0)';
    case '\u200B':
      return 'a zero-width space (U+200B)';
    case '\r':
      return 'a carriage return (CR)';
    default:
      return `an invisible character (U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')})`;
  }
}

/** The CRLF message: bash keeps the CR of a Windows line ending in the value (or runs $'\r' on a blank line). */
export function crlfMessage(key: string | undefined): string {
  return key
    ? `Windows line ending (CR LF): bash keeps the carriage return, so ${key}'s value ends with "\\r" — convert the file to LF line endings.`
    : 'Windows line ending (CR LF): bash reads the carriage return as part of the line (a value ending in "\\r", or a command named $\'\\r\' on a blank line) — convert the file to LF line endings.';
}
