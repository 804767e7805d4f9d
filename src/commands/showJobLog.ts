// Open a job's (masked) log as a read-only document (vmbackup-job: scheme, ui/jobLogDocument.ts).
import * as vscode from 'vscode';
import { Job, JobRecord } from '../core/job';
import { CommandContext } from '../ui/commandContext';
import { jobLogUri } from '../ui/jobLogDocument';
import { pickJob } from '../ui/pickers';
import { JobNode, isNode } from '../views/nodes';

export async function showJobLog(ctx: CommandContext, node?: JobNode): Promise<void> {
  const picked = isNode(node, 'job')
    ? node.job
    : isNode(node, 'record')
      ? node.record
      : await pickJob(ctx, 'Show job log', false);
  const r: JobRecord = picked instanceof Job ? picked.record : picked;
  const doc = await vscode.workspace.openTextDocument(jobLogUri(r));
  await vscode.languages.setTextDocumentLanguage(doc, 'log');
  await vscode.window.showTextDocument(doc, { preview: true });
}
