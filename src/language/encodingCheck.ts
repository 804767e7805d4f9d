// Compares how VS Code decoded a document with how the file's reader decodes its bytes (src/formats/decode.ts):
// a config.js in Shift_JIS opened as UTF-8, or a BOM that VS Code hides but bash or WSH reads.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { decodeFile, LanguageId, validate } from '../formats';
import type { Diagnostic } from '../formats';

/** VS Code's encoding ids (TextDocument.encoding) for iconv-lite's names. */
const VSCODE_ENCODING: Record<string, string> = {
  cp932: 'shiftjis',
  shift_jis: 'shiftjis',
  'windows-1252': 'windows1252',
  utf8: 'utf8',
  utf16le: 'utf16le',
  utf16be: 'utf16be',
  'euc-jp': 'eucjp',
};
export const REOPEN_WITH_ENCODING = 'workbench.action.reopenWithEncoding';
const MAX_BYTES = 16 * 1024 * 1024;

/** The `vmbackup.configJsEncoding` setting ("auto" or an encoding name) for config.js; other types use their default. */
export function configuredEncoding(lang: LanguageId, uri: vscode.Uri): string | undefined {
  if (lang !== 'vcb-config-js') return undefined;
  return vscode.workspace.getConfiguration('vmbackup', uri).get<string>('configJsEncoding') || undefined;
}

/**
 * Diagnostics at the top of a saved document: the file's BOM as its reader sees it (VS Code does not show a BOM), and
 * "opened with another encoding than <reader> uses" with the encoding to reopen it in (data.vscodeEncoding).
 */
export function encodingDiagnostics(document: vscode.TextDocument, lang: LanguageId): Diagnostic[] {
  if (document.uri.scheme !== 'file' || document.isDirty) return [];
  let bytes: Buffer;
  try {
    if (fs.statSync(document.uri.fsPath).size > MAX_BYTES) return [];
    bytes = fs.readFileSync(document.uri.fsPath);
  } catch {
    return [];
  }
  const decoded = decodeFile(bytes, lang, configuredEncoding(lang, document.uri));
  if (decoded.binary) return [];
  const at0 = { start: { offset: 0, line: 0, character: 0 }, end: { offset: 0, line: 0, character: 0 } };
  const out: Diagnostic[] = [];
  const hasBom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const bomDiag =
    decoded.diagnostics.find((d) => d.code === 'utf8-bom') ??
    (hasBom
      ? validate(lang, decoded.text).find(
          (d) => d.range.start.offset === 0 && (d.code === 'bom' || d.code === 'syntax-error'),
        )
      : undefined);
  if (hasBom && bomDiag)
    out.push({
      ...bomDiag,
      range: at0,
      code: 'bom-hidden',
      message: `${bomDiag.message} (VS Code does not show the BOM: use "Save with Encoding" and choose UTF-8 without BOM.)`,
    });
  const seen = document.getText().replace(/\r\n/g, '\n');
  const read = decoded.text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  if (seen === read && !hasBom)
    out.push(...decoded.diagnostics.filter((d) => d.code === 'utf8-config-js' || d.code === 'undecodable'));
  if (seen !== read) {
    const target = VSCODE_ENCODING[decoded.encoding] ?? decoded.encoding;
    out.push({
      range: at0,
      severity: 'warning',
      code: 'encoding-mismatch',
      data: { vscodeEncoding: target },
      message: `VS Code opened this file as ${document.encoding}, but ${lang === 'vcb-config-js' ? 'Windows Script Host' : 'its reader'} decodes it as ${decoded.encoding}: what you see is not what VCB reads. Reopen it with the encoding ${target}${lang === 'vcb-config-js' ? " (vmbackup.configJsEncoding sets the proxy's ANSI code page)" : ''}.`,
    });
  }
  return out;
}
