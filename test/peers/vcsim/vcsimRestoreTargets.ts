// What a restore test aims at in vcsim: a second standard port group, and a VM's .vmx with NICs on named networks
// (vcsim keeps the .vmx it is given on its datastore folder; a backup copies it, a restore edits it).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VimClient } from '../../../src/providers/vmware/vimClient';
import { retrieveObject } from '../../../src/providers/vmware/vimPropertyCollector';
import { el } from '../../../src/providers/vmware/vimSoap';
import { asMoRef } from '../../../src/providers/vmware/vimValue';

/** HostNetworkSystem.AddPortGroup on `hostId`'s vSwitch0: its Network appears in the datacenter under `name`. */
export async function addPortGroup(client: VimClient, hostId: string, name: string): Promise<void> {
  const ns = await retrieveObject(client, { type: 'HostSystem', value: hostId }, ['configManager.networkSystem']);
  await client.invoke(
    'AddPortGroup',
    asMoRef(ns!.props['configManager.networkSystem'], 'networkSystem'),
    `<portgrp>${el('name', name)}${el('vlanId', 0)}${el('vswitchName', 'vSwitch0')}<policy/></portgrp>`,
  );
}

/** Writes `<datastore dir>/<vm>/<vm>.vmx` with one present NIC per entry of `networks` (ethernet0, ethernet1…). */
export function writeVmxWithNics(datastoreDir: string, vm: string, networks: string[], extra: string[] = []): void {
  fs.writeFileSync(
    path.join(datastoreDir, vm, `${vm}.vmx`),
    [
      `displayName = "${vm}"`,
      ...extra,
      ...networks.flatMap((n, i) => [`ethernet${i}.present = "TRUE"`, `ethernet${i}.networkName = "${n}"`]),
      '',
    ].join('\n'),
  );
}
