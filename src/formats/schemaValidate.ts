// Runs ajv over the parsed entries and maps each error back to a key/value range.
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { closest } from './editDistance';
import { propertySchema, SCHEMAS } from './schemas';
import { TextIndex } from './text';
import { Diagnostic, Entry, LanguageId } from './types';
import { quoteForMessage } from '../core/controlChars';

const compiled = new Map<LanguageId, ValidateFunction>();
let ajv: Ajv | undefined;

function validatorFor(lang: LanguageId): ValidateFunction {
  let v = compiled.get(lang);
  if (!v) {
    ajv ??= new Ajv({ allErrors: true, strict: false, coerceTypes: true, useDefaults: false });
    v = ajv.compile(SCHEMAS[lang]);
    compiled.set(lang, v);
  }
  return v;
}

function keyFromPointer(p: string): string {
  const seg = p.split('/')[1] ?? '';
  return seg.replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * ajv over the entries (the last assignment of a key wins), each error mapped to the key's or value's range.
 * Entries whose value is not evaluated here (config.js expressions) count as present but are not checked; when the
 * file cannot run at all (`syntaxErrors`), missing keys are not reported.
 */
export function schemaDiagnostics(
  lang: LanguageId,
  text: string,
  entries: Entry[],
  syntaxErrors = false,
): Diagnostic[] {
  const data: Record<string, unknown> = Object.create(null);
  const last = new Map<string, Entry>();
  const present = new Set<string>();
  for (const e of entries) {
    present.add(e.key);
    if (e.unevaluated) {
      delete data[e.key];
      last.delete(e.key);
      continue;
    }
    data[e.key] = e.value;
    last.set(e.key, e);
  }
  const validate = validatorFor(lang);
  validate({ ...data });
  const out: Diagnostic[] = [];
  const schemaKeys = Object.keys(SCHEMAS[lang].properties);
  const seenUnknown = new Set<string>();
  for (const err of (validate.errors ?? []) as ErrorObject[]) {
    if (err.keyword === 'required') {
      const key = String((err.params as { missingProperty?: string }).missingProperty ?? '');
      if (syntaxErrors || present.has(key)) continue;
      const eof = new TextIndex(text).range(text.length, text.length);
      out.push({
        range: eof,
        severity: 'error',
        code: 'missing-required',
        message: `Missing required key ${key} (it has no default value${lang === 'vcb-config-js' ? '; VCB guide, table 2-1' : ''}).`,
        data: { key },
      });
      continue;
    }
    if (err.keyword === 'additionalProperties') {
      const key = String((err.params as { additionalProperty?: string }).additionalProperty ?? '');
      if (seenUnknown.has(key)) continue;
      seenUnknown.add(key);
      const suggestion = closest(key, schemaKeys);
      for (const e of entries.filter((x) => x.key === key)) {
        out.push({
          range: e.keyRange,
          severity: 'warning',
          code: 'unknown-key',
          message: suggestion
            ? `Unknown key ${quoteForMessage(key)} — did you mean ${suggestion}?`
            : `Unknown key ${quoteForMessage(key)}.`,
          data: suggestion ? { key, suggestion } : { key },
        });
      }
      continue;
    }
    const key = keyFromPointer(err.instancePath);
    const entry = last.get(key);
    if (!entry) continue;
    const ps = propertySchema(lang, key);
    const range = entry.valueRange;
    switch (err.keyword) {
      case 'enum': {
        const allowed = ((err.params as { allowedValues?: unknown[] }).allowedValues ?? ps?.enum ?? []).map(String);
        out.push({
          range,
          severity: 'error',
          code: 'invalid-value',
          message: `Invalid value "${quoteForMessage(entry.value)}" for ${key}. Allowed values: ${allowed.join(', ')}.`,
          data: { key, allowed },
        });
        break;
      }
      case 'pattern': {
        const code = ps?.['x-errorCode'] ?? 'invalid-format';
        out.push({ range, severity: 'error', code, message: formatMessage(code, key, entry.value), data: { key } });
        break;
      }
      case 'type':
        out.push({
          range,
          severity: 'error',
          code: 'invalid-type',
          message: `${key} must be ${err.params && (err.params as { type?: string }).type === 'integer' ? 'an integer' : 'of type ' + String((err.params as { type?: string }).type)} (got "${quoteForMessage(entry.value)}").`,
          data: { key },
        });
        break;
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        out.push({
          range,
          severity: 'error',
          code: 'out-of-range',
          message: `${key} must be between ${ps?.minimum ?? '-∞'} and ${ps?.maximum ?? '∞'} (got ${quoteForMessage(entry.value)}).`,
          data: { key },
        });
        break;
      case 'minLength':
        out.push({
          range,
          severity: 'error',
          code: 'empty-value',
          message: `${key} must not be empty.`,
          data: { key },
        });
        break;
      default:
        out.push({
          range,
          severity: 'error',
          code: 'invalid-value',
          message: `${key}: ${err.message ?? 'invalid value'}.`,
          data: { key },
        });
    }
  }
  return out;
}

function formatMessage(code: string, key: string, value: string): string {
  switch (code) {
    case 'thumbprint-format':
      return thumbprintMessage(key, value);
    case 'datastore-path-format':
      return `${key} must be a datastore path "[<datastore_name>] <path_on_datastore>" (got "${quoteForMessage(value)}").`;
    case 'uuid-format':
      return `${key} must be a UUID (32 hexadecimal digits, optionally in 8-4-4-4-12 form).`;
    default:
      return `${key} has an invalid format.`;
  }
}

/** What is wrong with a thumbprint, in the terms of openssl's output (openssl prints "SHA1 Fingerprint=…", and SHA-256 unless -sha1 is given). */
function thumbprintMessage(key: string, value: string): string {
  const base = `${key} must be the SHA-1 thumbprint exactly as printed by "openssl x509 -noout -in /etc/vmware/ssl/rui.crt -fingerprint -sha1": 20 uppercase hexadecimal pairs separated by colons (XX:XX:…)`;
  const prefix = /^\s*(SHA-?1|SHA-?256|MD5)?\s*Fingerprint\s*=/i.exec(value);
  const hex = value.slice(prefix ? prefix[0].length : 0).replace(/[^0-9a-fA-F]/g, '');
  if (prefix) return `${base}: remove the "${prefix[0].trim()}" prefix that openssl prints before it.`;
  if (hex.length === 64)
    return `${base}: this is a SHA-256 thumbprint (32 pairs) — newer openssl prints SHA-256 unless -sha1 is given; run the command with -sha1.`;
  if (hex.length === 40 && /[a-f]/.test(value))
    return `${base}: the thumbprint is compared case-sensitively — write the letters in upper case.`;
  return `${base}.`;
}
