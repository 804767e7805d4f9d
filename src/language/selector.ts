// Which documents the language features apply to.
import * as vscode from 'vscode';
import { LANGUAGE_IDS, LanguageId } from '../formats';

export const LANGUAGE_SELECTOR: vscode.DocumentFilter[] = LANGUAGE_IDS.map((language) => ({ language }));

export function ourLanguage(document: vscode.TextDocument): LanguageId | undefined {
  return (LANGUAGE_IDS as readonly string[]).includes(document.languageId)
    ? (document.languageId as LanguageId)
    : undefined;
}

export const DIAGNOSTIC_SOURCE = 'VM Backup Explorer';
