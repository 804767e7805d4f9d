// Schema-driven completions: missing keys, enum values, placeholders.
import { cursorContext } from './lineContext';
import { assignment } from './formatValue';
import { parse } from './parse';
import { propertySchema, SCHEMAS } from './schemas';
import { CompletionItem, LanguageId } from './types';

/**
 * Values known only to a live platform (datastore names, VM folders and resource pools — what `vcbUtil -c vmfolders|resourcepools`
 * lists) for a key, offered after the schema's own values. The VMware provider fills it; until then nobody passes one.
 */
export type LiveValues = (languageId: LanguageId, key: string) => Array<{ value: string; detail?: string }>;

export function completionsAt(
  languageId: LanguageId,
  text: string,
  offset: number,
  live?: LiveValues,
): CompletionItem[] {
  try {
    const ctx = cursorContext(languageId, text, offset);
    if (!ctx) return [];
    const schema = SCHEMAS[languageId];
    if (ctx.kind === 'key') {
      const present = new Set(
        parse(languageId, text)
          .entries.filter((e) => !(e.keyRange.start.offset <= offset && offset <= e.keyRange.end.offset))
          .map((e) => e.key),
      );
      return Object.entries(schema.properties)
        .filter(([k]) => !present.has(k) && k.toUpperCase().startsWith(ctx.prefix.toUpperCase()))
        .map(([k, ps]) => ({
          label: k,
          kind: 'key' as const,
          insertText: assignment(languageId, k, ps.default !== undefined ? String(ps.default) : ''),
          detail:
            ps.default !== undefined
              ? `default: ${ps.default}`
              : (schema.required ?? []).includes(k)
                ? 'required'
                : undefined,
          documentation: ps.description,
        }));
    }
    const ps = propertySchema(languageId, ctx.key);
    if (!ps) return [];
    const items: CompletionItem[] = [];
    for (const v of ps.enum ?? []) {
      items.push({
        label: v,
        kind: 'value',
        insertText: v,
        detail: v === ps.default ? 'default' : undefined,
        documentation: ps['x-enumDescriptions']?.[v],
      });
    }
    if (!ps.enum && ps.default !== undefined)
      items.push({
        label: String(ps.default),
        kind: 'value',
        insertText: String(ps.default),
        detail: 'default',
        documentation: ps.description,
      });
    for (const p of ps['x-placeholders'] ?? []) {
      items.push({
        label: p,
        kind: 'placeholder',
        insertText: p,
        documentation:
          p === '%VMNAME%'
            ? "Replaced by the base name of the VM's .vmx file."
            : p === '%VMHOST%'
              ? 'Replaced by the value assigned to VMHOST.'
              : undefined,
      });
    }
    for (const v of live?.(languageId, ctx.key) ?? [])
      items.push({ label: v.value, kind: 'value', insertText: v.value, detail: v.detail ?? 'from the connection' });
    return items;
  } catch {
    return [];
  }
}
