// Oracle VM Manager restore (guide §12.1.4) as a guided runbook: live output in a terminal, a modal confirmation before
// each destructive step, resume of an interrupted run, cancel by closing the terminal or from the notification.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CommandContext } from '../ui/commandContext';
import { requireRepository } from '../ui/repository';
import { CancelledError } from '../core/errors';
import { escapeControlChars } from '../core/controlChars';
import { RunbookHost, RunbookState, describeRun, runRunbook, listRunbookStates } from '../core/runbook';
import { openManagerSession } from '../providers/oraclevm/manager/managerSession';
import { formatAge, listDbBackups } from '../providers/oraclevm/manager/dbBackups';
import { describeRotation, readDbBackupRotation } from '../providers/oraclevm/manager/dbBackupRotation';
import { MANAGER_RESTORE, managerRestoreRunbook } from '../providers/oraclevm/manager/restoreRunbook';

const show = (s: string) => escapeControlChars(s, { keepNewlines: true });

export async function runManagerRestore(ctx: CommandContext): Promise<void> {
  const candidates = ctx.connections.connections.filter((c) => c.platform === 'oraclevm');
  if (!candidates.length) throw new Error('No Oracle VM Manager connection in .vmbackup/connections.yaml');
  const name =
    candidates.length === 1
      ? candidates[0].name
      : (
          await vscode.window.showQuickPick(
            candidates.map((c) => ({ label: c.name, description: c.url })),
            { title: 'Oracle VM Manager to restore', ignoreFocusOut: true },
          )
        )?.label;
  if (!name) throw new CancelledError();
  const profile = ctx.connections.get(name)!;
  const repository = requireRepository(ctx, name);
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
  const keyFile = profile.managerHost?.privateKeyFile;
  const sshPassword = keyFile
    ? undefined
    : await vscode.window.showInputBox({
        title: `SSH password for ${profile.managerHost?.username ?? '?'} on the Manager host of "${name}"`,
        password: true,
        ignoreFocusOut: true,
      });
  if (!keyFile && sshPassword === undefined) throw new CancelledError();
  const session = await openManagerSession(profile, {
    password: await ctx.connections.password(profile),
    privateKey: keyFile ? fs.readFileSync(path.resolve(root, keyFile)) : undefined,
    sshPassword,
  });
  try {
    // An unfinished run of this connection is offered first: its done steps are not run again.
    const open = listRunbookStates(repository).filter(
      (s) =>
        s.runbook === MANAGER_RESTORE &&
        s.status !== 'done' &&
        s.status !== 'abandoned' &&
        (s.subject === name || s.subject.startsWith(`${name} `)),
    );
    let backup: string | undefined;
    let resume = false;
    if (open.length) {
      const picked = await vscode.window.showQuickPick(
        [
          ...open.map((s) => ({ label: `Resume ${s.params.backup}`, description: stoppedAt(s), state: s })),
          {
            label: 'Start a new restore',
            description: 'the interrupted one is given up (abandoned)',
            state: undefined as RunbookState | undefined,
          },
        ],
        { title: 'An Oracle VM Manager restore was interrupted', ignoreFocusOut: true },
      );
      if (!picked) throw new CancelledError();
      if (picked.state) {
        backup = picked.state.params.backup;
        resume = true;
      }
    }
    if (!backup) {
      const rotation = await readDbBackupRotation(session);
      const listing = await listDbBackups(session.ssh, session.layout, undefined, Date.now(), rotation.intervalMinutes);
      const picked = await vscode.window.showQuickPick(
        [...listing.backups].reverse().map((b) => ({
          label: b.name,
          description: `${b.kind}, ${formatAge(b.ageSeconds)} old`,
        })),
        {
          title: `Database backup to restore (${listing.settings.directory})`,
          placeHolder: escapeControlChars(`Rotation: ${describeRotation(rotation)}`),
          ignoreFocusOut: true,
        },
      );
      if (!picked) throw new CancelledError();
      backup = picked.label;
    }
    await runInTerminal(ctx, name, backup, resume, repository, session);
  } finally {
    await session.close();
  }
}

function stoppedAt(s: RunbookState): string {
  const at = s.steps.find((x) => x.status !== 'done');
  return at ? `stopped at "${at.title}" (${at.status})` : s.status;
}

async function runInTerminal(
  ctx: CommandContext,
  name: string,
  backup: string,
  resume: boolean,
  repository: string,
  session: Awaited<ReturnType<typeof openManagerSession>>,
): Promise<void> {
  const controller = new AbortController();
  const write = new vscode.EventEmitter<string>();
  let opened: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (opened = resolve));
  const pty: vscode.Pseudoterminal = {
    onDidWrite: write.event,
    open: () => opened(),
    close: () => controller.abort(),
  };
  const terminal = vscode.window.createTerminal({ name: `Restore Oracle VM Manager ${name}`, pty });
  terminal.show();
  await ready; // what is written before the terminal opened is not shown
  const out = (t: string) => write.fire(show(t).replace(/\r?\n/g, '\r\n'));
  const host: RunbookHost = {
    output: out,
    confirm: async (step) => {
      const action = step.manual ? 'Done' : step.title;
      const answer = await vscode.window.showWarningMessage(
        show(step.title),
        { modal: true, detail: show(step.warning ?? '') },
        action,
      );
      return answer === action;
    },
  };
  try {
    const state = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Restoring Oracle VM Manager ${name}`,
        cancellable: true,
      },
      (_p, token) => {
        token.onCancellationRequested(() => controller.abort());
        return runRunbook(
          managerRestoreRunbook(),
          { ssh: session.ssh, layout: session.layout, client: session.client, backup },
          host,
          {
            repository,
            subject: name, // one run per Manager, whatever the backup
            params: { backup, skipVersionChecks: 'false' },
            resume,
            abandon: !resume,
            signal: controller.signal,
          },
        );
      },
    );
    out(`\n${describeRun(state)}\n`);
    ctx.log.info(`Oracle VM Manager ${name} restored from ${backup}`);
  } catch (e) {
    const st = (e as { state?: RunbookState }).state;
    if (st) out(`\n${describeRun(st)}\nRun "Restore Oracle VM Manager…" again to resume.\n`);
    else if (e instanceof CancelledError) out('\ncancelled: run the command again to resume\n');
    throw e;
  }
}
