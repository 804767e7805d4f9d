// Add Connection's form for vSphere: the vim25 SOAP endpoint `https://<vcenter>/sdk`, a bare host completed as govmomi
// does (vmware/govmomi vim25/soap/client.go ParseURL: scheme defaults to https, an empty path to /sdk), and
// vCenter's SSO administrator `administrator@vsphere.local` (an ESXi host's is root).
import { ConnectionForm } from '../../core/connectionForm';
import { PLATFORM_NAMES } from '../../core/model';

export const vmwareConnectionForm: ConnectionForm = {
  platform: 'vmware',
  label: 'VMware vSphere (vCenter or ESXi)',
  name: PLATFORM_NAMES.vmware,
  detail: 'vSphere API (vim25 SOAP) of a vCenter Server or a standalone ESX/ESXi host',
  urlPrompt: 'vCenter or ESXi URL (vSphere API)',
  urlForm: 'https://<vcenter>/sdk',
  defaultPath: '/sdk',
  defaultUser: 'administrator@vsphere.local',
};
