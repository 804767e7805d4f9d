// Quick fixes (text edits) for the diagnostics produced by validate().
import { assignment, quoteValue } from './formatValue';
import { parse } from './parse';
import { TextIndex, textOf } from './text';
import { Diagnostic, Entry, LanguageId, QuickFix, Range } from './types';

export function normaliseThumbprint(value: string): string | undefined {
  const v = value.includes('=') ? value.slice(value.lastIndexOf('=') + 1) : value;
  const hex = v.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
  if (hex.length !== 40) return undefined;
  return hex.match(/../g)!.join(':');
}

export function fixDatastorePath(value: string): string | undefined {
  const m = /^\s*\[\s*([^\]]*?)\s*\]\s*(.*?)\s*$/.exec(value);
  if (!m || m[1] === '' || m[2] === '') return undefined;
  return `[${m[1]}] ${m[2]}`;
}

function inRange(r: Range, t: Range): boolean {
  return r.start.offset === t.start.offset && r.end.offset === t.end.offset;
}

export function quickFixesFor(languageId: LanguageId, text: string, diagnostic: Diagnostic): QuickFix[] {
  try {
    return fixes(languageId, text, diagnostic);
  } catch {
    return [];
  }
}

function fixes(lang: LanguageId, text: string, d: Diagnostic): QuickFix[] {
  const ix = new TextIndex(text);
  const r = ix.range(d.range.start.offset, d.range.end.offset);
  const under = textOf(text, r);
  const entries = parse(lang, text).entries;
  const entry: Entry | undefined =
    entries.find((e) => inRange(e.valueRange, r)) ??
    entries.find(
      (e) =>
        e.valueRange.start.offset <= r.start.offset &&
        r.end.offset <= e.valueRange.end.offset &&
        r.start.offset < e.valueRange.end.offset,
    );
  const key = typeof d.data?.key === 'string' ? d.data.key : entry?.key;
  switch (d.code) {
    case 'missing-required': {
      if (!key) return [];
      const eol = text.length === 0 || text.endsWith('\n') ? '' : '\n';
      return [
        {
          title: `Add required key ${key}`,
          range: ix.range(text.length, text.length),
          newText: `${eol}${assignment(lang, key, '')}\n`,
        },
      ];
    }
    case 'space-around-equals':
      return [{ title: 'Remove spaces around "="', range: r, newText: '=' }];
    case 'unquoted-space': {
      const quote: QuickFix = {
        title: 'Quote the value',
        range: r,
        newText: '"' + under.replace(/(["\\`])/g, '\\$1') + '"',
      };
      const at = typeof d.data?.offset === 'number' ? d.data.offset : -1;
      return at >= 0
        ? [
            {
              title: `Replace U+${text.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0')} with an ordinary space`,
              range: ix.range(at, at + 1),
              newText: ' ',
            },
            quote,
          ]
        : [quote];
    }
    case 'unquoted-value': {
      if (lang !== 'vcb-config-js') return [];
      // A value of several words (HOST=esx host;) is quoted whole; an annotation after it ("--…", "//…") is not.
      const rest = /^[ \t]+[\w.:\\ \t-]*?(?=[ \t]*(;|\r|\n|$))/.exec(text.slice(r.end.offset));
      const to = rest && !rest[0].includes('--') ? r.end.offset + rest[0].length : r.end.offset;
      return [
        {
          title: 'Quote the value',
          range: ix.range(r.start.offset, to),
          newText: quoteValue(lang, text.slice(r.start.offset, to)),
        },
      ];
    }
    case 'unescaped-dollar':
      return under.startsWith('$')
        ? [{ title: 'Escape "$" as "\\$"', range: ix.range(r.start.offset, r.start.offset + 1), newText: '\\$' }]
        : [];
    case 'single-backslash':
      return under.startsWith('\\')
        ? [{ title: 'Double the backslash', range: ix.range(r.start.offset, r.start.offset + 1), newText: '\\\\' }]
        : [];
    case 'thumbprint-format': {
      if (!entry) return [];
      const n = normaliseThumbprint(entry.value);
      const prefix = /^\s*([\w-]*\s*Fingerprint)\s*=/i.exec(entry.value);
      const title = prefix ? `Remove "${prefix[0].trim()}" (keep ${n})` : `Normalise thumbprint to ${n}`;
      return n ? [{ title, range: entry.valueRange, newText: quoteValue(lang, n, entry.quote) }] : [];
    }
    case 'crlf':
      return [
        { title: 'Convert to LF', range: ix.range(0, text.length), newText: text.replace(/\r\n?/g, '\n'), eol: 'lf' },
      ];
    case 'bom':
    case 'invisible-character': {
      const at = typeof d.data?.offset === 'number' ? d.data.offset : r.start.offset;
      const ch = text[at];
      if (ch === '\uFEFF') return [{ title: 'Remove the byte order mark', range: ix.range(at, at + 1), newText: '' }];
      return /[\u3000\u00A0\u2000-\u200D\u2060\u202F\u205F]/.test(ch ?? '')
        ? [
            {
              title: `Replace U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} with an ordinary space`,
              range: ix.range(at, at + 1),
              newText: /[\u200B-\u200D\u2060]/.test(ch) ? '' : ' ',
            },
          ]
        : [];
    }
    case 'control-character':
      return /^[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]$/.test(under)
        ? [{ title: 'Remove the control character', range: r, newText: '' }]
        : [];
    case 'hash-comment':
      return under.startsWith('#')
        ? [{ title: 'Change "#" to "//"', range: ix.range(r.start.offset, r.start.offset + 1), newText: '//' }]
        : [];
    case 'datastore-path-backslash':
      return entry
        ? [{ title: 'Use "/" as the separator', range: entry.valueRange, newText: entry.rawValue.replace(/\\/g, '/') }]
        : [];
    case 'trailing-comment': {
      const cr = d.data?.commentRange as Range | undefined;
      return cr
        ? [{ title: 'Remove the trailing comment', range: ix.range(cr.start.offset, cr.end.offset), newText: '' }]
        : [];
    }
    case 'datastore-path-format': {
      if (!entry) return [];
      const n = fixDatastorePath(entry.value);
      return n
        ? [
            {
              title: `Change to "${n}"`,
              range: entry.valueRange,
              newText: quoteValue(lang, n, entry.quote === 'none' && lang !== 'vcb-config-js' ? 'double' : entry.quote),
            },
          ]
        : [];
    }
    case 'plaintext-password': {
      const e = entry ?? entries.find((x) => x.key === 'PASSWORD');
      return e
        ? [
            {
              title: 'Remove the plaintext password line (pass it with -p or enter it interactively)',
              range: e.statementRange,
              newText: '',
            },
          ]
        : [];
    }
    case 'unknown-key': {
      const s = d.data?.suggestion;
      return typeof s === 'string' ? [{ title: `Change to ${s}`, range: r, newText: s }] : [];
    }
    case 'duplicate-key': {
      const fr = d.data?.firstRange as Range | undefined;
      const first = fr ? entries.find((e) => e.keyRange.start.offset === fr.start.offset) : undefined;
      return first
        ? [
            {
              title: `Remove the earlier ${first.key} assignment (the last one wins)`,
              range: first.statementRange,
              newText: '',
            },
          ]
        : [];
    }
    default:
      return [];
  }
}
