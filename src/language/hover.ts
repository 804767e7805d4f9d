// HoverProvider backed by hoverAt().
import * as vscode from 'vscode';
import { HoverResult, hoverAt } from '../formats';
import { toVsRange } from './convert';
import { ourLanguage } from './selector';

export const hoverProvider: vscode.HoverProvider = {
  provideHover(document, position) {
    const lang = ourLanguage(document);
    if (!lang) return undefined;
    let h: HoverResult | undefined;
    try {
      h = hoverAt(lang, document.getText(), document.offsetAt(position));
    } catch {
      return undefined;
    }
    if (!h) return undefined;
    return new vscode.Hover(new vscode.MarkdownString(h.contents), toVsRange(document, h.range));
  },
};
