// Add Connection's form for XCP-ng / Citrix Hypervisor: the pool master's XAPI endpoint (https://<master>/, the
// XML-RPC root xapi serves; xe's -s option names the same host) and dom0's root, the built-in administrator.
import { ConnectionForm } from '../../core/connectionForm';
import { PLATFORM_NAMES } from '../../core/model';

export const xenConnectionForm: ConnectionForm = {
  platform: 'xen',
  label: 'Citrix Hypervisor / XCP-ng',
  name: PLATFORM_NAMES.xen,
  detail: 'XAPI of the pool master',
  urlPrompt: 'Pool master URL (XAPI)',
  urlForm: 'https://<pool-master>',
  defaultPath: '',
  defaultUser: 'root',
};
