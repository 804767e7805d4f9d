// Shared types for the VCB / Oracle VM file-format layer (no vscode dependency).

export type LanguageId = 'vcb-config-js' | 'backuptools-conf' | 'vcb-catalog' | 'ovm-config' | 'ovmm-sysconfig';

export const LANGUAGE_IDS: readonly LanguageId[] = [
  'vcb-config-js',
  'backuptools-conf',
  'vcb-catalog',
  'ovm-config',
  'ovmm-sysconfig',
];

export interface Position {
  offset: number;
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'information';

export interface Diagnostic {
  range: Range;
  severity: Severity;
  message: string;
  code: string;
  data?: Record<string, unknown>;
}

export interface Entry {
  key: string;
  keyRange: Range;
  /** Unquoted / unescaped value. */
  value: string;
  /** Text of the value exactly as written (including quotes). */
  rawValue: string;
  valueRange: Range;
  /** 'double' | 'single' | 'none' | 'mixed' — the quoting used. */
  quote: 'double' | 'single' | 'none' | 'mixed';
  /** Range of the whole statement (line), used to delete it. */
  statementRange: Range;
  /** Set when the value is an expression this layer does not evaluate (config.js): `value` is then its source text, not checked against the schema. */
  unevaluated?: boolean;
  /** The value reads the key's earlier value (`A = A + "x"`, `A=$A:x`): a deliberate re-assignment, not a duplicate. */
  selfReference?: boolean;
  /** The value is the output of a command run when the file is read (`$(…)`, backquotes): nothing secret is written in the file. */
  computed?: boolean;
}

export interface ParseResult {
  languageId: LanguageId;
  entries: Entry[];
  diagnostics: Diagnostic[];
  /** The reading program stops before running anything (config.js syntax error): "missing key" checks are moot then. */
  syntaxErrors?: boolean;
}

export interface CompletionItem {
  label: string;
  kind: 'key' | 'value' | 'placeholder';
  insertText: string;
  detail?: string;
  documentation?: string;
}

export interface HoverResult {
  range: Range;
  contents: string;
}

export interface QuickFix {
  title: string;
  range: Range;
  newText: string;
  /** Set when the fix is "convert the whole file to LF": an editor applies it as an end-of-line change (VS Code keeps a document's EOL on edits). */
  eol?: 'lf';
}
