// Open the demo lab documentation shipped with the extension.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { CommandContext } from '../ui/commandContext';

const CANDIDATES = ['docs/lab.md', 'docs/demo-lab.md', 'test/lab/README.md', 'README.md'];

export async function openDemoLab(ctx: CommandContext): Promise<void> {
  for (const rel of CANDIDATES) {
    const uri = vscode.Uri.joinPath(ctx.extensionUri, rel);
    if (fs.existsSync(uri.fsPath)) {
      await vscode.commands.executeCommand('markdown.showPreview', uri);
      return;
    }
  }
  throw new Error(
    'The demo lab documentation is not part of this build: run `npm run lab` in the extension repository',
  );
}
