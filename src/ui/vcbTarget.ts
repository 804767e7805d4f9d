// What every VCB command needs: the VCB host it acts on (from its node, else picked), its open VcbProvider, the VM a
// backup or mount names (the vSphere record: the BIOS uuid the tools search by), the job spec, and the -b quick pick.
import * as vscode from 'vscode';
import { CancelledError } from '../core/errors';
import { VcbHostProfile } from '../core/model';
import { VcbProvider, vcbVmRef } from '../providers/vcb/vcbProvider';
import { VCB_RESTORE_MODES, VcbRestoreMode, VcbVmRef } from '../providers/vcb/vcbRecords';
import { readInventory } from '../providers/vmware/vmwareInventory';
import { VmNode } from '../views/nodes';
import { vcbHostId } from '../views/vcbNodeTypes';
import { CommandContext } from './commandContext';
import { JobSpec } from './runJob';
import { pick } from './pickers';

/** A VCB host of a connection: its names, and a way to open its provider. */
export interface VcbTarget {
  connection: string;
  host: VcbHostProfile;
  hostId: string;
  open(): Promise<VcbProvider>;
}

/**
 * The VCB host a node belongs to (a VCB node, a VM or a connection with VCB hosts), else one picked from every
 * VMware connection's vcbHosts (the only one without asking). @throws when there is none.
 */
export async function vcbTarget(ctx: CommandContext, node?: unknown, title = 'VCB host'): Promise<VcbTarget> {
  const n = node as { connection?: string; host?: VcbHostProfile } | undefined;
  const make = (connection: string, host: VcbHostProfile): VcbTarget => ({
    connection,
    host,
    hostId: vcbHostId(host),
    open: () => ctx.vcb.provider(connection, vcbHostId(host)),
  });
  if (n?.connection && n.host && typeof n.host === 'object') return make(n.connection, n.host);
  const all = ctx.connections.connections
    .filter((c) => !n?.connection || c.name === n.connection)
    .flatMap((c) => (c.vcbHosts ?? []).map((h) => ({ connection: c.name, host: h })));
  if (!all.length) throw new Error('No VCB host yet: right-click a VMware connection and choose "Add VCB Host…"');
  if (all.length === 1) return make(all[0].connection, all[0].host);
  const chosen = await pick(
    all.map((x) => ({ label: vcbHostId(x.host), description: `${x.host.username} · "${x.connection}"`, value: x })),
    title,
  );
  return make(chosen.connection, chosen.host);
}

/** The VM of a tree node as VCB names it (its vSphere record: BIOS uuid, name, moref). @throws when it is gone. */
export async function vcbVmOf(provider: VcbProvider, node: VmNode, signal?: AbortSignal): Promise<VcbVmRef> {
  if (!provider.vim) throw new Error(`${provider.session.where(node.vm.name)}: the vSphere connection is needed`);
  const vm = (await readInventory(provider.vim, { signal })).vms.find((v) => v.id === node.vm.id);
  if (!vm) throw new Error(`${provider.session.where(node.vm.name)}: the VM is no longer in the vSphere inventory`);
  return vcbVmRef(vm);
}

/** The job spec of a VCB tool run on a host (one queue per VCB host). */
export function vcbJobSpec(t: VcbTarget, title: string, kind: string, vm?: string): JobSpec {
  return {
    title,
    kind,
    context: { connection: t.connection, host: t.host.host, vm },
    hostKey: `vcb:${t.connection}:${t.hostId}`,
  };
}

/** vcbRestore -b (guide P.68) as a quick pick, prompt first (the tool's default). */
export function pickRestoreMode(): Promise<VcbRestoreMode> {
  const detail: Record<VcbRestoreMode, string> = {
    prompt: 'ask in a dialog when files or a VM known to vCenter would be replaced',
    overwrite: 'replace them',
    keep: 'keep what is there; nothing restored',
    abort: 'stop the restore',
  };
  return pick(
    VCB_RESTORE_MODES.map((m) => ({ label: m, description: `-b ${m}`, detail: detail[m], value: m })),
    'When the restore would replace something (vcbRestore -b)',
  );
}

/**
 * Answers a VCB tool's question in a modal dialog (vcbRestore -b prompt): one button per choice the question offers
 * as `(y)es/(n)o/(a)bort` (the tool gets the letter), else Yes / No. Dismissed: no answer, and the tool is ended —
 * never left waiting on the remote side.
 */
export async function answerInDialog(question: string, where: string): Promise<string | undefined> {
  const choices = [...question.matchAll(/\((\w)\)(\w*)/g)].map((m) => ({ title: `${m[1]}${m[2]}`, reply: m[1] }));
  const buttons = choices.length
    ? choices
    : [
        { title: 'Yes', reply: 'y' },
        { title: 'No', reply: 'n' },
      ];
  const picked = await vscode.window.showWarningMessage(
    question.trim(),
    { modal: true, detail: `${where} asks. Closing this dialog ends the tool.` },
    ...buttons.map((b) => b.title[0].toUpperCase() + b.title.slice(1)),
  );
  return picked ? buttons.find((b) => b.title.toLowerCase() === picked.toLowerCase())?.reply : undefined;
}

/** A folder path on the VCB host typed by the user (absolute, no `..`). @throws CancelledError when dismissed. */
export async function askRemoteFolder(title: string, prompt: string, value: string): Promise<string> {
  const dir = await vscode.window.showInputBox({
    title,
    prompt,
    value,
    ignoreFocusOut: true,
    validateInput: (v) =>
      !v.startsWith('/')
        ? 'an absolute path on the VCB host'
        : v.split('/').includes('..')
          ? 'no ".." please'
          : undefined,
  });
  if (!dir) throw new CancelledError();
  return dir.replace(/\/+$/, '');
}

/** A VCB search specifier typed by the user (guide P.61: `any:`, `powerstate:on`, `name:…`…). @throws CancelledError. */
export async function askSearchSpec(title: string, prompt: string, value: string): Promise<string> {
  const spec = await vscode.window.showInputBox({
    title,
    prompt,
    value,
    ignoreFocusOut: true,
    validateInput: (v) => (/^\w+:/.test(v) ? undefined : 'a specifier such as any:, powerstate:on or name:web01'),
  });
  if (!spec) throw new CancelledError();
  return spec;
}
