// Parser for VCB config.js: a JScript file that VCB runs (Windows Script Host) to set global variables.
// acorn (ECMAScript 5, script mode) decides what is valid JScript; its AST is mapped onto key/value entries with offsets.
import { Node, parse as acornParse } from 'acorn';
import { TextIndex } from './text';
import { Diagnostic, Entry, ParseResult } from './types';
import { escapeControlChars, quoteForMessage } from '../core/controlChars';

const JS_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' };
/** Globals JScript defines, which a value may read without a ReferenceError. */
const JSCRIPT_GLOBALS = new Set([
  'undefined',
  'NaN',
  'Infinity',
  'WScript',
  'ActiveXObject',
  'Math',
  'String',
  'Number',
  'Boolean',
  'Date',
  'Object',
  'Array',
  'RegExp',
  'Enumerator',
  'GetObject',
  'ScriptEngine',
  'parseInt',
  'parseFloat',
  'escape',
  'unescape',
  'encodeURIComponent',
  'decodeURIComponent',
  'isNaN',
  'isFinite',
]);
const MAX_SYNTAX_ERRORS = 100;
/** Characters acorn may parse in total for one file while recovering from syntax errors. */
const PARSE_BUDGET_CHARS = 8_000_000;

type AnyNode = Node & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Ctx {
  text: string;
  ix: TextIndex;
  diagnostics: Diagnostic[];
  entries: Entry[];
  defined: Map<string, string | undefined>;
  selfRead?: boolean;
}

function lineEnd(text: string, pos: number): number {
  let e = pos;
  while (e < text.length && text[e] !== '\n' && text[e] !== '\r') e++;
  return e;
}

/** Parses with acorn; on a syntax error reports it, blanks the rest of that line and tries again (WSH itself stops at the first). */
function parseRecovering(text: string, ctx: Ctx): AnyNode | undefined {
  let masked = text;
  let lastPos = -1;
  // Each error costs a parse of the whole file: bound the work (WSH itself reports only the first error).
  const attempts = Math.max(3, Math.min(MAX_SYNTAX_ERRORS, Math.floor(PARSE_BUDGET_CHARS / Math.max(1, text.length))));
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      return acornParse(masked, {
        ecmaVersion: 5,
        sourceType: 'script',
        allowReserved: true,
        allowReturnOutsideFunction: false,
      }) as AnyNode;
    } catch (err) {
      const e = err as SyntaxError & { pos?: number; raisedAt?: number };
      if (typeof e.pos !== 'number') return undefined;
      let pos = e.pos;
      let code = 'syntax-error';
      let message = escapeControlChars(e.message.replace(/\s*\(\d+:\d+\)$/, ''));
      const raisedAt = typeof e.raisedAt === 'number' ? e.raisedAt : pos + 1;
      if (/Assigning to rvalue/.test(message)) {
        const op = masked.slice(pos, raisedAt).search(/--|\+\+/);
        if (op >= 0) {
          pos += op;
          message = `Invalid left-hand side expression in postfix operation: "${masked.slice(pos, pos + 2)}" after a value is a decrement/increment in JScript, not a comment (comments are // or /* */)`;
        }
      } else if (masked[pos] === '#') {
        code = 'hash-comment';
        message = 'Invalid character "#": "#" does not start a comment in JScript (use //)';
      } else if (/Unterminated string/.test(message)) code = 'unterminated-string';
      else if (/Unterminated comment/.test(message)) code = 'unterminated-comment';
      let end = code === 'unterminated-comment' ? text.length : lineEnd(text, pos);
      while (code !== 'unterminated-comment' && end > pos + 1 && /\s/.test(text[end - 1])) end--;
      ctx.diagnostics.push({
        range: ctx.ix.range(pos, Math.max(end, pos + 1)),
        severity: 'error',
        code,
        message: `JScript syntax error: ${message}. Windows Script Host runs none of config.js when it has a syntax error.`,
      });
      // Blank from the error to the end of its line (the whole line when that makes no progress) and go on.
      let from = pos === lastPos ? masked.lastIndexOf('\n', pos - 1) + 1 : pos;
      if (code === 'unterminated-comment') from = pos;
      const to = code === 'unterminated-comment' ? masked.length : Math.max(lineEnd(masked, pos), pos + 1);
      const next = masked.slice(0, from) + masked.slice(from, to).replace(/[^\n\r]/g, ' ') + masked.slice(to);
      // Nothing left to blank (an error at the end of the file): parsing again would report the same error again.
      if (next === masked) return undefined;
      masked = next;
      lastPos = pos;
    }
  }
  const ix = ctx.ix;
  ctx.diagnostics.push({
    range: ix.range(0, 0),
    severity: 'information',
    code: 'more-syntax-errors',
    message: `Further JScript syntax errors are not shown (the first ${attempts} are); Windows Script Host stops at the first.`,
  });
  return undefined;
}

/** Warnings for backslashes that JScript turns into something else than a backslash (raw = the literal as written). */
function checkEscapes(ctx: Ctx, raw: string, start: number, key: string, value: string): void {
  if (!raw.includes('\\')) return;
  const pathLike = key === 'BACKUPROOT' || /^[A-Za-z]:/.test(value) || /\\\\/.test(raw);
  for (let i = 1; i < raw.length - 1; i++) {
    if (raw[i] !== '\\') continue;
    const nx = raw[i + 1];
    if (nx === '\\' || nx === '"' || nx === "'" || nx === '\n' || nx === '\r') {
      i++;
      continue;
    }
    const s = start + i;
    if (nx in JS_ESCAPES) {
      if (pathLike)
        ctx.diagnostics.push({
          range: ctx.ix.range(s, s + 2),
          severity: 'warning',
          code: 'single-backslash',
          message: `"\\${nx}" is a JScript escape sequence, not a path separator — double the backslash ("\\\\${nx}").`,
        });
    } else if (
      !(nx === 'x' && /^[0-9a-fA-F]{2}$/.test(raw.slice(i + 2, i + 4))) &&
      !(nx === 'u' && /^[0-9a-fA-F]{4}$/.test(raw.slice(i + 2, i + 6)))
    ) {
      ctx.diagnostics.push({
        range: ctx.ix.range(s, s + 2),
        severity: 'warning',
        code: 'single-backslash',
        message: `Single backslash before "${quoteForMessage(nx)}" is dropped by JScript — backslashes must be doubled ("\\\\").`,
      });
    }
    i++;
  }
}

/** A read of the undeclared `name` at [start, end): a ReferenceError when WSH runs config.js; `written` is the value to quote. */
function reportUndefined(ctx: Ctx, name: string, start: number, end: number, key: string, written: string): void {
  const n = quoteForMessage(name, 40);
  const w = quoteForMessage(written, 60);
  ctx.diagnostics.push({
    range: ctx.ix.range(start, end),
    severity: 'error',
    code: 'unquoted-value',
    message: `${n} is not defined: JScript stops with a ReferenceError ("'${n}' is undefined"; node: "ReferenceError: ${n} is not defined") when VCB loads config.js — quote the value: ${key ? key + '=' : ''}"${w}";`,
    data: { key },
  });
}

/** The value JScript computes for an expression made of literals, "+" and earlier variables; undefined if not evaluated here. */
function evaluate(ctx: Ctx, node: AnyNode, key: string): string | undefined {
  switch (node.type) {
    case 'Literal':
      if (typeof node.value === 'string') {
        checkEscapes(ctx, String(node.raw), node.start, key, node.value);
        return node.value;
      }
      if (node.value === null) return 'null';
      if (typeof node.value === 'number' || typeof node.value === 'boolean') return String(node.value);
      return undefined;
    case 'Identifier': {
      if (node.name === key) ctx.selfRead = true;
      if (ctx.defined.has(node.name)) return ctx.defined.get(node.name);
      if (JSCRIPT_GLOBALS.has(node.name)) return undefined;
      reportUndefined(ctx, node.name, node.start, node.end, key, node.name);
      return undefined;
    }
    case 'BinaryExpression': {
      const l = evaluate(ctx, node.left, key),
        r = evaluate(ctx, node.right, key);
      if (node.operator !== '+' || l === undefined || r === undefined) return undefined;
      const lit = (n: AnyNode) => n.type === 'Literal' && typeof n.value === 'number';
      return lit(node.left) && lit(node.right) ? String(Number(l) + Number(r)) : l + r;
    }
    case 'UnaryExpression':
      if (node.operator === '-' && node.argument.type === 'Literal' && typeof node.argument.value === 'number')
        return String(-node.argument.value);
      // `typeof NAME` of an undeclared NAME is "undefined", not a ReferenceError.
      if (!(node.operator === 'typeof' && node.argument.type === 'Identifier')) evaluate(ctx, node.argument, key);
      return undefined;
    case 'MemberExpression': {
      // HOST = vc01.example.test; reads the undeclared vc01: one error on the whole dotted name, quoted whole by the fix.
      let root: AnyNode = node;
      while (root.type === 'MemberExpression' && !root.computed) root = root.object;
      if (root.type === 'Identifier' && !ctx.defined.has(root.name) && !JSCRIPT_GLOBALS.has(root.name)) {
        reportUndefined(ctx, root.name, node.start, node.end, key, ctx.text.slice(node.start, node.end));
        return undefined;
      }
      evaluate(ctx, node.object, key);
      if (node.computed) evaluate(ctx, node.property, key);
      return undefined;
    }
    case 'CallExpression':
    case 'NewExpression':
      evaluate(ctx, node.callee, key);
      for (const a of node.arguments as AnyNode[]) evaluate(ctx, a, key);
      return undefined;
    // Only what always runs: the branch taken and the right side of && / || may never be read.
    case 'ConditionalExpression':
      evaluate(ctx, node.test, key);
      return undefined;
    case 'LogicalExpression':
      evaluate(ctx, node.left, key);
      return undefined;
    case 'SequenceExpression':
      for (const x of node.expressions as AnyNode[]) evaluate(ctx, x, key);
      return undefined;
    case 'ArrayExpression':
      for (const x of node.elements as AnyNode[]) if (x) evaluate(ctx, x, key);
      return undefined;
    case 'ObjectExpression':
      for (const p of node.properties as AnyNode[]) evaluate(ctx, p.value, key);
      return undefined;
    case 'UpdateExpression':
      evaluate(ctx, node.argument, key);
      return undefined;
    case 'AssignmentExpression':
      return assignment(ctx, node, node.start);
    default:
      return undefined;
  }
}

/** The range an entry's statement covers: its whole line(s) when nothing else is on them (for "remove this line"). */
function statementRange(ctx: Ctx, start: number, end: number): Entry['statementRange'] {
  const { text, ix } = ctx;
  let ls = start;
  while (ls > 0 && text.charCodeAt(ls - 1) !== 10 && text.charCodeAt(ls - 1) !== 13) {
    ls--;
    if (!isBlankCode(text.charCodeAt(ls))) return ix.range(start, end);
  }
  let e = end;
  while (e < text.length && isBlankCode(text.charCodeAt(e))) e++;
  if (e < text.length && text.charCodeAt(e) !== 10 && text.charCodeAt(e) !== 13 && !text.startsWith('//', e))
    return ix.range(start, end);
  return ix.lineRange(start, end);
}

const isBlankCode = (c: number) => c === 32 || c === 9 || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff;

/**
 * An entry whose value and statement ranges are computed when first read: a 50,000-line config.js has 30,000 entries,
 * and most ranges are never asked for (allocation, not parsing, was the larger cost).
 */
class ConfigJsEntry implements Entry {
  private vr?: Entry['valueRange'];
  private sr?: Entry['statementRange'];
  unevaluated?: boolean;
  selfReference?: boolean;
  constructor(
    private readonly ctx: Ctx,
    readonly key: string,
    readonly keyRange: Entry['keyRange'],
    readonly value: string,
    readonly rawValue: string,
    readonly quote: Entry['quote'],
    private readonly vs: number,
    private readonly ve: number,
    private readonly ss: number,
    private readonly se: number,
  ) {}
  get valueRange(): Entry['valueRange'] {
    return (this.vr ??= this.ctx.ix.range(this.vs, this.ve));
  }
  get statementRange(): Entry['statementRange'] {
    return (this.sr ??= statementRange(this.ctx, this.ss, this.se));
  }
}

function addEntry(
  ctx: Ctx,
  key: string,
  keyNode: AnyNode,
  valueNode: AnyNode,
  value: string | undefined,
  stmt: AnyNode,
): void {
  const { ix, text } = ctx;
  const v = valueNode;
  const raw = text.slice(v.start, v.end);
  const quote: Entry['quote'] =
    v.type === 'Literal' && typeof v.value === 'string'
      ? text.charCodeAt(v.start) === 39
        ? 'single'
        : 'double'
      : 'none';
  const entry = new ConfigJsEntry(
    ctx,
    key,
    ix.range(keyNode.start, keyNode.end),
    value ?? raw,
    raw,
    quote,
    v.start,
    v.end,
    stmt.start,
    stmt.end,
  );
  if (value === undefined) entry.unevaluated = true;
  if (ctx.selfRead) entry.selfReference = true;
  ctx.entries.push(entry);
  ctx.defined.set(key, value);
}

function innermostValue(node: AnyNode): AnyNode {
  let n = node;
  while (n.type === 'AssignmentExpression' && n.operator === '=') n = n.right;
  return n;
}

function assignment(ctx: Ctx, node: AnyNode, stmtStart: number, stmtEnd = node.end): string | undefined {
  if (node.operator !== '=' || node.left.type !== 'Identifier') {
    evaluate(ctx, node.right, '');
    return undefined;
  }
  const key: string = node.left.name;
  ctx.selfRead = false;
  const value = evaluate(ctx, node.right, key);
  addEntry(ctx, key, node.left, innermostValue(node.right), value, { start: stmtStart, end: stmtEnd } as AnyNode);
  return value;
}

/**
 * Entries of a config.js (assignments `NAME = <expression>;` and `var NAME = …`, in order) with exact ranges; values are
 * what JScript computes for literals, `+` and earlier variables (others are `unevaluated`). Diagnostics: syntax errors
 * (acorn, ES5), reads of undefined identifiers (a ReferenceError when WSH runs it), backslash escapes in paths.
 */
export function parseConfigJs(text: string): ParseResult {
  const ctx: Ctx = { text, ix: new TextIndex(text), diagnostics: [], entries: [], defined: new Map() };
  const program = parseRecovering(text, ctx);
  for (const stmt of (program?.body ?? []) as AnyNode[]) {
    if (stmt.type === 'ExpressionStatement') {
      const exprs: AnyNode[] =
        stmt.expression.type === 'SequenceExpression' ? stmt.expression.expressions : [stmt.expression];
      for (const ex of exprs) {
        if (ex.type === 'AssignmentExpression') {
          if (exprs.length === 1) assignment(ctx, ex, stmt.start, stmt.end);
          else assignment(ctx, ex, ex.start);
        } else evaluate(ctx, ex, '');
      }
    } else if (stmt.type === 'VariableDeclaration') {
      for (const d of stmt.declarations as AnyNode[]) {
        if (d.id.type !== 'Identifier' || !d.init) continue;
        ctx.selfRead = false;
        const value = evaluate(ctx, d.init, d.id.name);
        addEntry(ctx, d.id.name, d.id, innermostValue(d.init), value, stmt.declarations.length === 1 ? stmt : d);
      }
    }
  }
  return {
    languageId: 'vcb-config-js',
    entries: ctx.entries,
    diagnostics: ctx.diagnostics,
    ...(ctx.diagnostics.some((d) => d.severity === 'error' && d.code !== 'unquoted-value')
      ? { syntaxErrors: true }
      : {}),
  };
}
