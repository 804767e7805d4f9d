// `vmbackup vcb-find <spec>`: vcbVmName -s <spec> (any:, name:, ipaddr:, uuid:, moref:, powerstate:on|off|suspended).
import { Args } from './args';
import { terminalContext } from './session';
import { withVcb } from './vcbSession';
import { tableLines } from './table';
import { shown } from './printable';

export async function vcbFindVerb(a: Args, out: (data: unknown, text: string) => void): Promise<number> {
  const spec = a.positional[0] ?? 'any:';
  return withVcb(a, async (vcb) => {
    const vms = await vcb.findVms(spec, terminalContext(true));
    out(
      vms,
      tableLines(vms.map((v) => [v.moref, v.name, v.uuid, v.ipaddr])).join('\n') || shown`no VM matches ${spec}`,
    );
    return 0;
  });
}
