// Turns a file's bytes into the text the program that reads it sees (iconv-lite does the decoding).
//
// - VCB config.js is read by Windows Script Host: a UTF-16 file with a byte order mark is Unicode, anything else goes
//   through the ANSI code page (MultiByteToWideChar) — cp1252 on Western Windows, cp932 (Shift_JIS) on Japanese
//   Windows, where a trail byte 0x5C is part of a character, not a backslash. A UTF-8 BOM is then three characters of
//   text before the first key. (Eric Lippert, "Unicode output and the Windows Script Host", MSDN blog 2004.)
// - backuptools.conf, /etc/sysconfig/ovmm, the Oracle VM .config and the VCB catalog are bytes read by a shell or a
//   service-console tool on Linux: nothing is skipped, a BOM stays in the text (and is reported by the parsers).
import * as iconv from 'iconv-lite';
import { TextIndex } from './text';
import { Diagnostic, LanguageId } from './types';

/** Encoding used when neither a BOM nor the caller (setting / --encoding) says otherwise. */
export const DEFAULT_ENCODING: Record<LanguageId, string> = {
  'vcb-config-js': 'auto',
  'backuptools-conf': 'utf8',
  'vcb-catalog': 'utf8',
  'ovm-config': 'utf8',
  'ovmm-sysconfig': 'utf8',
};

/** Who reads each file type, for messages. */
export const READER: Record<LanguageId, string> = {
  'vcb-config-js': 'Windows Script Host',
  'backuptools-conf': 'bash',
  'vcb-catalog': 'vcbRestore',
  'ovm-config': 'Oracle VM Manager',
  'ovmm-sysconfig': 'bash',
};

export interface DecodedFile {
  /** The text as the reading program sees it (a UTF-8 BOM kept for shell-read files). */
  text: string;
  /** iconv-lite name of the encoding used, e.g. "utf16le", "cp932", "windows-1252", "utf8". */
  encoding: string;
  /** Diagnostics about the bytes themselves (binary, undecodable, BOM), in text positions. */
  diagnostics: Diagnostic[];
  /** True when the bytes are not text at all: no further validation makes sense. */
  binary: boolean;
}

const MAGIC: Array<[string, string]> = [
  ['KDMV', 'a VMDK sparse extent'],
  ['COWD', 'a VMFS sparse (COWD) disk'],
  ['PK\u0003\u0004', 'a ZIP archive'],
  ['\u001f\u008b', 'a gzip file'],
  ['\u007fELF', 'an ELF executable'],
  ['MZ', 'a Windows executable'],
  ['%PDF', 'a PDF document'],
];

/** True when an encoding name is one iconv-lite knows, or "auto". */
export function isKnownEncoding(name: string): boolean {
  if (name === 'auto') return true;
  try {
    return iconv.encodingExists(name);
  } catch {
    return false;
  }
}

const decodesCleanly = (buf: Buffer, enc: string): boolean => !iconv.decode(buf, enc).includes('\uFFFD');

/**
 * "auto" for config.js, when nobody said which ANSI code page the VCB proxy has: UTF-8 when the bytes are valid UTF-8
 * (ASCII included), else cp932 when they are valid Shift_JIS (Japanese Windows), else windows-1252 (Western Windows).
 */
function autoAnsi(buf: Buffer): string {
  if (decodesCleanly(buf, 'utf8')) return 'utf8';
  if (decodesCleanly(buf, 'cp932')) return 'cp932';
  return 'windows-1252';
}

function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b === 0) return true;
    if (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12) control++;
  }
  return n > 0 && control / n > 0.1;
}

function magicName(bytes: Uint8Array): string | undefined {
  const head = String.fromCharCode(...bytes.subarray(0, 8));
  return MAGIC.find(([m]) => head.startsWith(m))?.[1];
}

function countUtf8Replacement(bytes: Uint8Array): number {
  let n = 0;
  for (let i = 0; i + 2 < bytes.length; i++)
    if (bytes[i] === 0xef && bytes[i + 1] === 0xbf && bytes[i + 2] === 0xbd) n++;
  return n;
}

/**
 * Decodes `bytes` as `languageId`'s reader does. `encoding` (the `vmbackup.configJsEncoding` setting or `--encoding`)
 * replaces the per-type default; a UTF-16 BOM always wins for config.js (WSH). Never throws: an unknown encoding
 * falls back to the default with a diagnostic.
 */
export function decodeFile(bytes: Uint8Array, languageId: LanguageId, encoding?: string): DecodedFile {
  const diagnostics: Diagnostic[] = [];
  const at0 = { start: { offset: 0, line: 0, character: 0 }, end: { offset: 0, line: 0, character: 0 } };
  let enc = encoding && encoding.trim() ? encoding.trim() : DEFAULT_ENCODING[languageId];
  if (!isKnownEncoding(enc)) {
    diagnostics.push({
      range: at0,
      severity: 'warning',
      code: 'unknown-encoding',
      message: `Unknown encoding "${enc}"; decoded as ${DEFAULT_ENCODING[languageId]}.`,
    });
    enc = DEFAULT_ENCODING[languageId];
  }
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const wsh = languageId === 'vcb-config-js';
  if (
    buf.length >= 2 &&
    ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) &&
    (wsh || /^(utf-?16|auto)/i.test(enc))
  ) {
    enc = buf[0] === 0xff ? 'utf16le' : 'utf16be';
    return { text: iconv.decode(buf, enc, { stripBOM: true }), encoding: enc, diagnostics, binary: false };
  }
  if (looksBinary(buf)) {
    const what = magicName(buf);
    diagnostics.push({
      range: at0,
      severity: 'error',
      code: 'binary-file',
      message: `Not a text file (it contains NUL or control bytes${what ? `; it looks like ${what}` : ''}): ${READER[languageId]} cannot read it as a ${languageId} file.`,
    });
    return { text: '', encoding: enc, diagnostics, binary: true };
  }
  if (enc === 'auto') enc = autoAnsi(buf);
  const text = iconv.decode(buf, enc, { stripBOM: false });
  const utf8 = /^utf-?8$/i.test(enc);
  const bad = text.indexOf('\uFFFD');
  if (bad >= 0 && !(utf8 && countUtf8Replacement(buf) >= [...text.matchAll(/\uFFFD/g)].length)) {
    const ix = new TextIndex(text);
    const p = ix.position(bad);
    diagnostics.push({
      range: ix.range(bad, bad + 1),
      severity: wsh ? 'warning' : 'information',
      code: 'undecodable',
      message: `Bytes on line ${p.line + 1} are not valid ${enc}: ${READER[languageId]} will not read them as you meant. Check the file's encoding${wsh ? ' (vmbackup.configJsEncoding / --encoding: the ANSI code page of the VCB proxy, e.g. cp932 on Japanese Windows)' : ' (--encoding)'}.`,
    });
  }
  const nonAscii =
    wsh && utf8 && !(encoding ?? '').trim().match(/^utf-?8$/i) ? text.search(/[^\u0000-\u007f\uFEFF]/) : -1;
  if (nonAscii >= 0) {
    const ix = new TextIndex(text);
    diagnostics.push({
      range: ix.range(nonAscii, nonAscii + 1),
      severity: 'information',
      code: 'utf8-config-js',
      message:
        "This config.js is UTF-8 without a byte order mark: Windows Script Host reads it in the proxy's ANSI code page, so non-ASCII characters arrive intact only where that code page is UTF-8 (65001). Save it as Unicode (UTF-16) or in the proxy's code page, or set vmbackup.configJsEncoding / --encoding to utf8 if the proxy uses UTF-8.",
    });
  }
  const explicitUtf8 = utf8 && (encoding ?? '').trim() !== '' && (encoding ?? '').trim() !== 'auto';
  if (wsh && !explicitUtf8 && buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
    const junk = utf8 ? 1 : iconv.decode(buf.subarray(0, 3), enc).length;
    const ix = new TextIndex(text);
    diagnostics.push({
      range: ix.range(0, junk),
      severity: 'error',
      code: 'utf8-bom',
      message: `The file starts with a UTF-8 byte order mark (EF BB BF). Windows Script Host reads config.js in the ANSI code page${utf8 ? '' : ` (${enc})`}, so these bytes are text before the first key and JScript stops with a syntax error on line 1: save it as ANSI, or as Unicode (UTF-16).`,
      data: { bomLength: junk },
    });
  }
  return { text, encoding: enc, diagnostics, binary: false };
}
