// Runs ajv over the parsed entries and maps each error back to a key/value range.
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { closest } from './editDistance';
import { propertySchema, SCHEMAS } from './schemas';
import { TextIndex } from './text';
import { Diagnostic, Entry, LanguageId } from './types';

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

export function schemaDiagnostics(lang: LanguageId, text: string, entries: Entry[]): Diagnostic[] {
  const ix = new TextIndex(text);
  const data: Record<string, unknown> = Object.create(null);
  const last = new Map<string, Entry>();
  for (const e of entries) { data[e.key] = e.value; last.set(e.key, e); }
  const validate = validatorFor(lang);
  validate({ ...data });
  const out: Diagnostic[] = [];
  const schemaKeys = Object.keys(SCHEMAS[lang].properties);
  const seenUnknown = new Set<string>();
  for (const err of (validate.errors ?? []) as ErrorObject[]) {
    if (err.keyword === 'required') {
      const key = String((err.params as { missingProperty?: string }).missingProperty ?? '');
      const eof = ix.range(text.length, text.length);
      out.push({ range: eof, severity: 'error', code: 'missing-required', message: `Missing required key ${key} (it has no default value).`, data: { key } });
      continue;
    }
    if (err.keyword === 'additionalProperties') {
      const key = String((err.params as { additionalProperty?: string }).additionalProperty ?? '');
      if (seenUnknown.has(key)) continue;
      seenUnknown.add(key);
      const suggestion = closest(key, schemaKeys);
      for (const e of entries.filter((x) => x.key === key)) {
        out.push({ range: e.keyRange, severity: 'warning', code: 'unknown-key', message: suggestion ? `Unknown key ${key} — did you mean ${suggestion}?` : `Unknown key ${key}.`, data: suggestion ? { key, suggestion } : { key } });
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
        out.push({ range, severity: 'error', code: 'invalid-value', message: `Invalid value "${entry.value}" for ${key}. Allowed values: ${allowed.join(', ')}.`, data: { key, allowed } });
        break;
      }
      case 'pattern': {
        const code = ps?.['x-errorCode'] ?? 'invalid-format';
        out.push({ range, severity: 'error', code, message: formatMessage(code, key, entry.value), data: { key } });
        break;
      }
      case 'type':
        out.push({ range, severity: 'error', code: 'invalid-type', message: `${key} must be ${err.params && (err.params as { type?: string }).type === 'integer' ? 'an integer' : 'of type ' + String((err.params as { type?: string }).type)} (got "${entry.value}").`, data: { key } });
        break;
      case 'minimum': case 'maximum': case 'exclusiveMinimum': case 'exclusiveMaximum':
        out.push({ range, severity: 'error', code: 'out-of-range', message: `${key} must be between ${ps?.minimum ?? '-∞'} and ${ps?.maximum ?? '∞'} (got ${entry.value}).`, data: { key } });
        break;
      case 'minLength':
        out.push({ range, severity: 'error', code: 'empty-value', message: `${key} must not be empty.`, data: { key } });
        break;
      default:
        out.push({ range, severity: 'error', code: 'invalid-value', message: `${key}: ${err.message ?? 'invalid value'}.`, data: { key } });
    }
  }
  return out;
}

function formatMessage(code: string, key: string, value: string): string {
  switch (code) {
    case 'thumbprint-format': return `${key} must be the SHA-1 thumbprint exactly as printed by "openssl x509 -fingerprint -sha1": 20 uppercase hexadecimal pairs separated by colons (XX:XX:…).`;
    case 'datastore-path-format': return `${key} must be a datastore path "[<datastore_name>] <path_on_datastore>" (got "${value}").`;
    case 'uuid-format': return `${key} must be a UUID (32 hexadecimal digits, optionally in 8-4-4-4-12 form).`;
    default: return `${key} has an invalid format.`;
  }
}
