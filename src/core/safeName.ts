import * as path from 'node:path';

// Turns a hostile name (VM names may hold ../, /, quotes, $(...)) into one safe path segment.

export function safeName(name: string, fallback = 'unnamed'): string {
  const cleaned = name
    .normalize('NFKC')
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .replace(/[\/\\:*?"'<>|`$(){};&!#%~^\[\]=,]+/g, '_')
    .replace(/\s+/g, ' ')
    .replace(/^[.\s_-]+|[.\s]+$/g, '')
    .slice(0, 80);
  return cleaned.length ? cleaned : fallback;
}

/** Resolves a child path and refuses anything that escapes the parent directory. */
export function within(parent: string, child: string): string {
  const p = path.resolve(parent, child);
  const root = path.resolve(parent);
  if (p !== root && !p.startsWith(root + path.sep)) throw new Error(`Path "${child}" escapes ${root}`);
  return p;
}
