// Open a job's (masked) log in an untitled document.
import * as vscode from 'vscode';
import { describeContext } from '../core/errors';
import { Job, JobRecord } from '../core/job';
import { mask } from '../core/secrets';
import { CommandContext } from '../ui/commandContext';
import { pickJob } from '../ui/pickers';
import { JobNode, isNode } from '../views/nodes';

export async function showJobLog(ctx: CommandContext, node?: JobNode): Promise<void> {
  const picked = isNode(node, 'job')
    ? node.job
    : isNode(node, 'record')
      ? node.record
      : await pickJob(ctx, 'Show job log', false);
  const r: JobRecord = picked instanceof Job ? picked.record : picked;
  const header = [
    `# ${r.title}`,
    `kind: ${r.kind}`,
    `state: ${r.state}`,
    `where: ${describeContext(r.context) || '-'}`,
    `created: ${r.created}`,
    r.started ? `started: ${r.started}` : '',
    r.finished ? `finished: ${r.finished}` : '',
    r.error ? `error: ${r.error.message}${r.error.code ? ` (${r.error.code})` : ''}` : '',
    '',
  ].filter((l, i, a) => l !== '' || i === a.length - 1);
  const doc = await vscode.workspace.openTextDocument({
    language: 'log',
    content: mask([...header, ...r.log].join('\n')),
  });
  await vscode.window.showTextDocument(doc, { preview: true });
}
