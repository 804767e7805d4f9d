import * as path from 'node:path';

// Turns a hostile name (VM names may hold ../, /, quotes, $(...)) into one safe path segment.

/** At most this many characters (code points) … */
export const MAX_NAME_CODE_POINTS = 80;
/** … and this many UTF-8 bytes: file names are at most 255 bytes (ext4, XFS, NTFS in UTF-16 units), suffixes need room. */
export const MAX_NAME_BYTES = 200;

export function safeName(name: string, fallback = 'unnamed'): string {
  const cleaned = name
    .normalize('NFKC')
    // C0, DEL, C1 and the bidirectional controls (which reorder how a path is shown: U+202E makes "gpj.exe" look like "exe.jpg").
    .replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/[/\\:*?"'<>|`$(){};&!#%~^[\]=,]+/g, '_')
    .replace(/\s+/g, ' ')
    .replace(/^[.\s_-]+|[.\s]+$/g, '');
  const cut = cutAtCharacters(cleaned, MAX_NAME_CODE_POINTS, MAX_NAME_BYTES).replace(/[.\s]+$/, '');
  return cut.length ? cut : fallback;
}

// Created on first use: constructing a Segmenter loads ICU data (~10 ms), which activation does not need.
let segmenter: Intl.Segmenter | undefined;
const graphemes = (): Intl.Segmenter => (segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' }));

/**
 * The longest prefix of `text` of whole user-perceived characters (grapheme clusters: a surrogate pair, a letter with
 * its combining marks, an emoji sequence stay together) within `maxCodePoints` code points and `maxBytes` UTF-8 bytes.
 */
export function cutAtCharacters(text: string, maxCodePoints: number, maxBytes: number): string {
  let out = '';
  let points = 0;
  let bytes = 0;
  for (const { segment } of graphemes().segment(text)) {
    const p = [...segment].length;
    const b = Buffer.byteLength(segment, 'utf8');
    if (points + p > maxCodePoints || bytes + b > maxBytes) break;
    out += segment;
    points += p;
    bytes += b;
  }
  return out;
}

/** Resolves a child path and refuses anything that escapes the parent directory. */
export function within(parent: string, child: string): string {
  const p = path.resolve(parent, child);
  const root = path.resolve(parent);
  if (p !== root && !p.startsWith(root + path.sep)) throw new Error(`Path "${child}" escapes ${root}`);
  return p;
}
