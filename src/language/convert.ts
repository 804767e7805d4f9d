// Conversions between the format layer's offset-based types and vscode's.
import * as vscode from 'vscode';
import type { Diagnostic, Range, Severity } from '../formats';
import { DIAGNOSTIC_SOURCE } from './selector';

export function toVsRange(document: vscode.TextDocument, range: Range): vscode.Range {
  return new vscode.Range(document.positionAt(range.start.offset), document.positionAt(range.end.offset));
}

export function toVsSeverity(severity: Severity): vscode.DiagnosticSeverity {
  switch (severity) {
    case 'error':
      return vscode.DiagnosticSeverity.Error;
    case 'warning':
      return vscode.DiagnosticSeverity.Warning;
    default:
      return vscode.DiagnosticSeverity.Information;
  }
}

/** vscode diagnostic that remembers the format-layer diagnostic it came from (for quick fixes). */
export interface VmBackupDiagnostic extends vscode.Diagnostic {
  formatDiagnostic?: Diagnostic;
}

export function toVsDiagnostic(document: vscode.TextDocument, d: Diagnostic): VmBackupDiagnostic {
  const out: VmBackupDiagnostic = new vscode.Diagnostic(
    toVsRange(document, d.range),
    d.message,
    toVsSeverity(d.severity),
  );
  out.code = d.code;
  out.source = DIAGNOSTIC_SOURCE;
  out.formatDiagnostic = d;
  return out;
}

/** Rebuilds a format-layer range from a vscode range (offsets are what the format layer relies on). */
export function fromVsRange(document: vscode.TextDocument, range: vscode.Range): Range {
  const pos = (p: vscode.Position) => ({ offset: document.offsetAt(p), line: p.line, character: p.character });
  return { start: pos(range.start), end: pos(range.end) };
}
