// The README names UI elements in italics (*Restore VM…*, *Clean Up Temporary Snapshots*): each must be a label the
// product really shows — a command title in package.json or a string literal of the VS Code layer — so a renamed
// command or a paraphrase ("*Clean Up*" for "Clean Up Temporary Snapshots") fails here (issue 16: "command names
// exactly as the UI shows them"). Italic sentences ending in "." or ":" are emphasis, not labels.
import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..', '..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Labels VS Code itself shows (a progress notification's button, a view's title bar action). */
const VSCODE_OWN = new Set(['Cancel', 'Collapse All']);

/** Every string literal ('…', "…", `…` on one line) of package.json and src/. */
function uiStrings(): Set<string> {
  const text = [join(root, 'package.json'), ...tsFiles(join(root, 'src'))]
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
  return new Set([...text.matchAll(/'([^'\n]*)'|"([^"\n]*)"|`([^`\n]*)`/g)].map((m) => m[1] ?? m[2] ?? m[3]));
}

/** Italic spans of a Markdown text that start with a capital letter and are not sentences. */
export function italicLabels(markdown: string): string[] {
  const spans = [...markdown.matchAll(/(?<![*\w])\*([A-Z][^*\n]{1,60}?)\*(?![*\w])/g)].map((m) => m[1]);
  return [...new Set(spans)].filter((t) => !/[.:]$/.test(t));
}

describe('README names the UI as it shows itself', () => {
  it('finds italic labels and skips emphasis sentences', () => {
    assert.deepEqual(italicLabels('Use *Restore VM…*, not **bold**; *Encodings.* *Thumbprints:* *Cancel*'), [
      'Restore VM…',
      'Cancel',
    ]);
  });

  for (const doc of ['README.md', ...readdirSync(join(root, 'docs')).map((n) => join('docs', n))])
    it(`every italic label of ${doc} is a command title, a string the product shows or VS Code's own`, () => {
      const known = uiStrings();
      const labels = italicLabels(readFileSync(join(root, doc), 'utf8'));
      const unknown = labels.filter((t) => !known.has(t) && !VSCODE_OWN.has(t));
      if (doc === 'README.md') assert.ok(labels.length > 20, 'the README names the UI');
      assert.deepEqual(unknown, [], `${doc} names UI labels the product does not show: ${unknown.join(' · ')}`);
    });
});
