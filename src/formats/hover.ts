// Schema-driven hover: meaning, default and allowed values of a key.
import { parse } from './parse';
import { propertySchema, SCHEMAS } from './schemas';
import { HoverResult, LanguageId } from './types';

export function hoverAt(languageId: LanguageId, text: string, offset: number): HoverResult | undefined {
  try {
    const entry = parse(languageId, text).entries.find(
      (e) =>
        (e.keyRange.start.offset <= offset && offset <= e.keyRange.end.offset) ||
        (e.valueRange.start.offset <= offset && offset <= e.valueRange.end.offset),
    );
    if (!entry) return undefined;
    const ps = propertySchema(languageId, entry.key);
    if (!ps) return undefined;
    const lines = [`**${entry.key}**`, '', ps.description ?? ''];
    if (ps.default !== undefined) lines.push('', `Default: \`${ps.default}\``);
    else if ((SCHEMAS[languageId].required ?? []).includes(entry.key)) lines.push('', 'Required (no default).');
    if (ps.enum) {
      lines.push('', 'Allowed values:');
      for (const v of ps.enum)
        lines.push(`- \`${v}\`${ps['x-enumDescriptions']?.[v] ? ' — ' + ps['x-enumDescriptions'][v] : ''}`);
    }
    if (ps.minimum !== undefined || ps.maximum !== undefined)
      lines.push('', `Range: ${ps.minimum ?? ''}–${ps.maximum ?? ''}`);
    if (ps['x-placeholders']) lines.push('', `Placeholders: ${ps['x-placeholders'].map((p) => `\`${p}\``).join(', ')}`);
    const onValue = offset >= entry.valueRange.start.offset && offset > entry.keyRange.end.offset;
    return { range: onValue ? entry.valueRange : entry.keyRange, contents: lines.join('\n') };
  } catch {
    return undefined;
  }
}
