// The Manager's networks (`GET /Network`, python-ovmclient `client.networks`) in the neutral model, and the NICs of a
// vm.cfg (`vif = ['mac=…,bridge=<network id>']`) as a restore maps them: by index, with their network's name.
import { BackupNic } from '../../core/restoreNetworks';
import { NetworkInfo } from '../../core/model';
import { OvmClient } from './ovmClient';
import { MalformedReplyError, listOf, simpleId } from './ovmRecords';
import { vmCfgVifs } from './ovmVmCfg';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Every network of the Manager, by name: `id` is the network's id, which a vm.cfg `vif` names as its `bridge=`, so
 * `bridge` is the id too (a NIC of a backup without names finds its network by it). Only `id` and `name` are read.
 */
export async function listOvmNetworks(c: OvmClient, signal?: AbortSignal): Promise<NetworkInfo[]> {
  const list = listOf(await c.get('Network', signal), 'Network list', (x, what) => {
    const o = x as { id?: unknown; name?: unknown };
    if (!o || typeof o !== 'object' || typeof o.name !== 'string') throw new MalformedReplyError(`${what}.name`);
    const id = simpleId(o.id, `${what}.id`).value;
    return { id, name: o.name, type: 'Network', bridge: id };
  });
  return list.sort((a, b) => a.name.localeCompare(b.name));
}

/** The NICs of a vm.cfg (key: the vif's index), with the name of each one's network where `nets` has it. */
export function vmCfgNics(vmCfg: string, nets: NetworkInfo[]): BackupNic[] {
  return vmCfgVifs(vmCfg).map((v, i) => ({
    key: String(i),
    mac: v.mac,
    bridge: v.bridge,
    network: nets.find((n) => n.id === v.bridge)?.name,
  }));
}

/**
 * The NICs a backup's manifest records (`source.vm.macs`: the vif's index as device, its MAC, its network's name and
 * id as bridge), from the vm.cfg copied into `dir` — or `vmCfgText`, the backed-up VM's own vm.cfg when the files are
 * a clone's (the clone has MACs of its own) — and the Manager's networks; undefined without a vm.cfg.
 */
export async function manifestNics(
  c: OvmClient,
  dir: string,
  signal?: AbortSignal,
  vmCfgText?: string,
): Promise<{ device: string; mac: string; network?: string; bridge?: string }[] | undefined> {
  const file = path.join(dir, 'vm.cfg');
  let text = vmCfgText;
  if (text === undefined) {
    if (!fs.existsSync(file) || fs.statSync(file).size > 1024 * 1024) return undefined;
    text = fs.readFileSync(file, 'utf8');
  }
  const nets = await listOvmNetworks(c, signal);
  return vmCfgNics(text, nets).map((n) => ({
    device: n.key,
    mac: n.mac ?? '',
    network: n.network,
    bridge: n.bridge,
  }));
}
