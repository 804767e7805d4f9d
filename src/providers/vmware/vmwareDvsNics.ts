// Connecting a registered VM's NICs to distributed port groups. A .vmx names a NIC's network only as a standard port
// group (`ethernet<N>.networkName`); a NIC on a distributed switch is set after Folder.RegisterVM_Task by
// VirtualMachine.ReconfigVM_Task with a VirtualDeviceConfigSpec `edit` of that VirtualEthernetCard whose backing is a
// VirtualEthernetCardDistributedVirtualPortBackingInfo { port: DistributedVirtualSwitchPortConnection { switchUuid,
// portgroupKey } } (vSphere API reference). The port group's `key` and its switch's `uuid` are read as govmomi does
// (vmware/govmomi object/distributed_virtual_portgroup.go DistributedVirtualPortgroup.EthernetCardBackingInfo:
// `key` and `config.distributedVirtualSwitch`, then the switch's `uuid`); vcsim accepts that backing on an edit when
// the VM's host is a member of the switch (govmomi simulator/virtual_machine.go configureDevices, configureDevice,
// validateSwitchMembers).
import { VendorError } from '../../core/errors';
import { VimClient } from './vimClient';
import { retrieveObject } from './vimPropertyCollector';
import { el } from './vimSoap';
import { runTask } from './vimTasks';
import { VimObject, asList, asMoRef, asObject, asString, optBool, optNumber, optString } from './vimValue';

/**
 * Where each NIC of a restored .vmx goes: `networkNames` NIC → the name of a standard port group (Network), written as
 * the .vmx's `ethernet<N>.networkName` (ESX(i) reads it when it registers the VM); `portgroups` NIC → the moref of a
 * DistributedVirtualPortgroup, which a .vmx cannot name: the NIC is connected after registration
 * (connectNicsToPortgroups, ReconfigVM_Task).
 */
export interface NicNetworks {
  networkNames: Record<string, string>;
  portgroups: Record<string, string>;
}

/** DistributedVirtualSwitchPortConnection: the switch's `uuid` and the port group's `key`. */
export interface DvsPortConnection {
  switchUuid: string;
  portgroupKey: string;
}

/**
 * The first key vSphere gives a VM's virtual Ethernet cards: `ethernet<N>` of the .vmx is the device with key 4000+N
 * (*assumed*: what ESX(i) and vcsim's esx.EthernetCard show; no reference states it). A NIC without such a card fails
 * the restore (NOT_FOUND), never edits another device.
 */
const ETHERNET_KEY_BASE = 4000;

/**
 * The port connection of distributed port group `portgroupId` (moref): its `key` and its switch's `uuid`
 * (govmomi EthernetCardBackingInfo). NOT_FOUND when the switch is not readable (no System.Read on it: govmomi's case).
 */
export async function dvsPortConnection(
  client: VimClient,
  portgroupId: string,
  signal?: AbortSignal,
): Promise<DvsPortConnection> {
  const pg = await retrieveObject(
    client,
    { type: 'DistributedVirtualPortgroup', value: portgroupId },
    ['key', 'config.distributedVirtualSwitch'],
    signal,
  );
  const dvsRef = pg?.props['config.distributedVirtualSwitch'];
  if (!pg || dvsRef === undefined)
    throw new VendorError('NOT_FOUND', [
      `the distributed switch of port group ${portgroupId} (config.distributedVirtualSwitch: System.Read needed)`,
    ]);
  const dvs = asMoRef(dvsRef, 'config.distributedVirtualSwitch');
  const sw = await retrieveObject(client, dvs, ['uuid'], signal);
  return {
    switchUuid: asString(sw?.props.uuid, `${dvs.value}.uuid`),
    portgroupKey: asString(pg.props.key, `${portgroupId}.key`),
  };
}

/**
 * Connects NICs of VM `vmId` to distributed port groups: `nics` maps `ethernet<N>` → DistributedVirtualPortgroup
 * moref. One ReconfigVM_Task editing each card's backing (the card's type, key, deviceInfo, controller, unit, connectable
 * and MAC sent as read; only the backing changes). Nothing is done for an empty map. NOT_FOUND naming the NIC when the VM has
 * no such card; a reconfigure fault is thrown verbatim (vimTasks.ts).
 */
export async function connectNicsToPortgroups(
  client: VimClient,
  vmId: string,
  nics: Record<string, string>,
  signal?: AbortSignal,
): Promise<void> {
  const wanted = Object.entries(nics);
  if (!wanted.length) return;
  const vm = { type: 'VirtualMachine', value: vmId };
  const o = await retrieveObject(client, vm, ['config.hardware.device'], signal);
  const devices = asList(o?.props['config.hardware.device']).map((d) => asObject(d, 'VirtualDevice'));
  // Read each port group's connection once, however many NICs go to it.
  const ports = new Map<string, DvsPortConnection>();
  let changes = '';
  for (const [nic, portgroupId] of wanted) {
    const n = /^ethernet(\d+)$/.exec(nic);
    const key = n ? ETHERNET_KEY_BASE + Number(n[1]) : NaN;
    const card = devices.find((d) => optNumber(d.key, 'VirtualDevice.key') === key && isEthernetCard(d));
    if (!card)
      throw new VendorError('NOT_FOUND', [
        `${nic} of the registered VM ${vmId} (no virtual Ethernet card with key ${key}) to connect to a distributed port group`,
      ]);
    let port = ports.get(portgroupId);
    if (!port) ports.set(portgroupId, (port = await dvsPortConnection(client, portgroupId, signal)));
    changes += `<deviceChange>${el('operation', 'edit')}${cardXml(card, key, port)}</deviceChange>`;
  }
  await runTask(client, 'ReconfigVM_Task', vm, `<spec>${changes}</spec>`, { signal });
}

/** A VirtualEthernetCard (any subtype): its backing is one of the VirtualEthernetCard…BackingInfo types. */
function isEthernetCard(d: VimObject): boolean {
  const backing = d.backing !== undefined ? asObject(d.backing, 'VirtualDevice.backing') : undefined;
  return !!backing?._type?.startsWith('VirtualEthernetCard');
}

/** The VirtualEthernetCard `card` (as read) with a distributed port backing, in the WSDL's element order. */
function cardXml(card: VimObject, key: number, port: DvsPortConnection): string {
  const type = card._type && /^[A-Za-z0-9]+$/.test(card._type) ? card._type : 'VirtualEthernetCard';
  const c = card.connectable !== undefined ? asObject(card.connectable, 'VirtualDeviceConnectInfo') : undefined;
  // deviceInfo as read: vcsim dereferences it on an edit (simulator/virtual_machine.go configureDevices).
  const info = card.deviceInfo !== undefined ? asObject(card.deviceInfo, 'VirtualDevice.deviceInfo') : undefined;
  const text = (name: string) => el(name, optString(info?.[name], `Description.${name}`));
  const flag = (name: string) => el(name, optBool(c?.[name], `VirtualDeviceConnectInfo.${name}`));
  return (
    `<device xsi:type="${type}">${el('key', key)}` +
    (info ? `<deviceInfo>${text('label')}${text('summary')}</deviceInfo>` : '') +
    `<backing xsi:type="VirtualEthernetCardDistributedVirtualPortBackingInfo"><port>` +
    `${el('switchUuid', port.switchUuid)}${el('portgroupKey', port.portgroupKey)}</port></backing>` +
    (c ? `<connectable>${flag('startConnected')}${flag('allowGuestControl')}${flag('connected')}</connectable>` : '') +
    el('controllerKey', optNumber(card.controllerKey, 'VirtualDevice.controllerKey')) +
    el('unitNumber', optNumber(card.unitNumber, 'VirtualDevice.unitNumber')) +
    el('addressType', optString(card.addressType, 'VirtualEthernetCard.addressType')) +
    el('macAddress', optString(card.macAddress, 'VirtualEthernetCard.macAddress')) +
    `</device>`
  );
}
