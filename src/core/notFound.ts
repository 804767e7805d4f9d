// The one wording of a restore flag's "not found" on every platform (storage, host or cluster, server pool, resource
// pool, folder, network): what was asked for, where, and the valid choices, so the user can retype without a second
// command. A long list is shortened (the first ones, then "… and N more").
import { escapeControlChars } from './controlChars';

/** How many choices a "not found" message lists before it shortens the list. */
export const MAX_CHOICES = 12;

/**
 * The choices as one phrase: names each quoted (JSON-quoted, so control characters in a hostile name are escaped) and
 * joined by `, `, or `lines` (already formatted, e.g. storageLine) joined by `; `; the first `max` and then `… and N
 * more`; `none` when there are none.
 */
export function choicesText(names: string[], o: { lines?: boolean; max?: number } = {}): string {
  const max = o.max ?? MAX_CHOICES;
  if (!names.length) return 'none';
  const shown = names.slice(0, max).map((n) => (o.lines ? n : JSON.stringify(n)));
  const text = shown.join(o.lines ? '; ' : ', ');
  return names.length > max ? `${text} … and ${names.length - max} more` : text;
}

/**
 * `<where>: no <word> "<id>"; the <word>s: "a", "b"` (control characters in `where` and `id` escaped) — `word` the platform's word (SR, datastore, repository,
 * resource pool, VM folder, network…), `where` what was searched (a datacenter, a backup, the Manager), `names` the
 * valid choices' names (or, with `lines`, one formatted line each); `how` e.g. `(by name, uuid or id)` after the id.
 */
export function notFoundText(
  word: string,
  id: string,
  where: string,
  names: string[],
  o: { lines?: boolean; how?: string } = {},
): string {
  const asked = `${JSON.stringify(id)}${o.how ? ` ${o.how}` : ''}`;
  // `where` often names a backup or a VM (foreign: "a\nb"): escaped, so the message stays one line.
  return `${escapeControlChars(where, { style: 'hex' })}: no ${word} ${asked}; the ${plural(word)}: ${choicesText(names, { lines: o.lines })}`;
}

/**
 * `SR` → `SRs`, `VM folder` → `VM folders`, `repository` → `repositories`, `host or cluster` → `hosts or clusters`
 * (the words the restore uses).
 */
export function plural(word: string): string {
  return word
    .split(' or ')
    .map((w) => (/s$/.test(w) ? w : /[^aeiou]y$/.test(w) ? `${w.slice(0, -1)}ies` : `${w}s`))
    .join(' or ');
}
