// Entry point of the file-format layer (shared by the extension, the CLI and tests; no vscode import).
export type {
  LanguageId,
  Diagnostic,
  Severity,
  Range,
  Position,
  Entry,
  ParseResult,
  CompletionItem,
  HoverResult,
  QuickFix,
} from './types';
export { LANGUAGE_IDS } from './types';
export { parse } from './parse';
export { validate } from './validate';
export { completionsAt } from './completions';
export type { LiveValues } from './completions';
export { hoverAt } from './hover';
export { quickFixesFor } from './quickFixes';
export { detectLanguage, looksLikeVcbCatalog, sniffText } from './detect';
export { SCHEMAS } from './schemas';
export { connectionsForHost, connectionDraft, fileHost, FILE_PLATFORM } from './passwordOwner';
export type { ConnectionRef } from './passwordOwner';
export { validateBytes } from './validate';
export type { FileValidation } from './validate';
export { decodeFile, DEFAULT_ENCODING, isKnownEncoding } from './decode';
