// Offset <-> line/character conversion over a text buffer.
import { Position, Range } from './types';

export class TextIndex {
  private readonly lineStarts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.lineStarts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) this.lineStarts.push(i + 1);
    }
  }
  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0,
      hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { offset: o, line: lo, character: o - this.lineStarts[lo] };
  }
  range(start: number, end: number): Range {
    const s = Math.max(0, Math.min(start, this.text.length));
    const e = Math.max(s, Math.min(end, this.text.length));
    return { start: this.position(s), end: this.position(e) };
  }
  /** Range of the full line(s) containing [start,end), including the line break. */
  lineRange(start: number, end: number): Range {
    let s = start;
    while (s > 0 && this.text[s - 1] !== '\n' && this.text[s - 1] !== '\r') s--;
    let e = end;
    while (e < this.text.length && this.text[e] !== '\n' && this.text[e] !== '\r') e++;
    if (this.text[e] === '\r') e++;
    if (this.text[e] === '\n') e++;
    return this.range(s, e);
  }
  get length(): number {
    return this.text.length;
  }
}

export function textOf(text: string, r: Range): string {
  return text.slice(r.start.offset, r.end.offset);
}
