// Test helper: strips ⟦range⟧ markers and a | caret from a sample text.
export interface Marked {
  text: string;
  ranges: Array<{ start: number; end: number }>;
  caret: number;
}

export function marked(src: string, caretChar = '|'): Marked {
  let text = '';
  const ranges: Marked['ranges'] = [];
  const open: number[] = [];
  let caret = -1;
  for (const ch of src) {
    if (ch === '⟦') open.push(text.length);
    else if (ch === '⟧') ranges.push({ start: open.pop() ?? 0, end: text.length });
    else if (ch === caretChar && caret < 0) caret = text.length;
    else text += ch;
  }
  return { text, ranges, caret };
}
