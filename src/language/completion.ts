// CompletionItemProvider backed by completionsAt().
import * as vscode from 'vscode';
import { CompletionItem, completionsAt } from '../formats';
import { ourLanguage } from './selector';
import { liveValuesFor } from './liveValues';

export const COMPLETION_TRIGGERS = ['=', '%', '"'];

const KIND: Record<string, vscode.CompletionItemKind> = {
  key: vscode.CompletionItemKind.Property,
  value: vscode.CompletionItemKind.Value,
  placeholder: vscode.CompletionItemKind.Variable,
};

export const completionProvider: vscode.CompletionItemProvider = {
  provideCompletionItems(document, position) {
    const lang = ourLanguage(document);
    if (!lang) return undefined;
    let items: CompletionItem[];
    try {
      items = completionsAt(lang, document.getText(), document.offsetAt(position), liveValuesFor(document));
    } catch {
      return undefined;
    }
    return items.map((c) => {
      const item = new vscode.CompletionItem(c.label, KIND[c.kind] ?? vscode.CompletionItemKind.Text);
      item.insertText = c.insertText;
      if (c.detail) item.detail = c.detail;
      if (c.documentation) item.documentation = new vscode.MarkdownString(c.documentation);
      return item;
    });
  },
};
