// Add Connection's form for Oracle VM: the Manager's web services REST base, `https://<manager>:7002/ovm/core/wsapi/rest`
// (Oracle VM 3.4 developer guide vmapi-rest.html: default port 7002, TLS; reference/protocols.md §2.1), and the
// Manager's administrator `admin`.
import { ConnectionForm } from '../../core/connectionForm';
import { PLATFORM_NAMES } from '../../core/model';

export const ovmConnectionForm: ConnectionForm = {
  platform: 'oraclevm',
  label: 'Oracle VM Manager 3.4',
  name: PLATFORM_NAMES.oraclevm,
  detail: 'Web services REST API of the Oracle VM Manager',
  urlPrompt: 'Oracle VM Manager URL (web services REST API)',
  urlForm: 'https://<manager>:7002/ovm/core/wsapi/rest',
  defaultPath: '/ovm/core/wsapi/rest',
  defaultPort: 7002,
  defaultUser: 'admin',
};
