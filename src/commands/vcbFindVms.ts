// Find VMs (vcbVmName -s <spec>, guide P.62): the VMs the VCB tools see for a search specifier, in a quick pick.
import * as vscode from 'vscode';
import { escapeControlChars as esc } from '../core/controlChars';
import { FoundVm } from '../providers/vcb/vcbRecords';
import { CommandContext } from '../ui/commandContext';
import { runJob } from '../ui/runJob';
import { askSearchSpec, vcbJobSpec, vcbTarget } from '../ui/vcbTarget';
import { VcbHostNode } from '../views/vcbNodeTypes';

export async function vcbFindVms(ctx: CommandContext, node?: VcbHostNode): Promise<FoundVm[] | undefined> {
  const t = await vcbTarget(ctx, node, 'Find VMs through which VCB host?');
  const spec = await askSearchSpec(
    'Find VMs (vcbVmName -s)',
    'Search specifier: any:, powerstate:on|off|suspended, name:…, ipaddr:…, uuid:…, moref:… (guide P.61–62)',
    'any:',
  );
  const provider = await t.open();
  const found = await runJob(ctx, { ...vcbJobSpec(t, `Find VMs ${spec}`, 'vcb-find'), announce: false }, (jctx) =>
    provider.findVms(spec, jctx),
  );
  if (!found) return found;
  const items: vscode.QuickPickItem[] = found.length
    ? found.map((v) => ({
        label: esc(v.name),
        description: esc(`${v.moref} · ${v.ipaddr || 'no address'}`),
        detail: esc(`uuid:${v.uuid}`),
      }))
    : [{ label: `No VM matches ${esc(spec)}` }];
  void vscode.window.showQuickPick(items, { title: `vcbVmName -s ${esc(spec)}: ${found.length} VM(s)` });
  return found;
}
