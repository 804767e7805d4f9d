import assert from 'node:assert/strict';
import { detectLanguage } from '../../../src/formats';

describe('formats: detectLanguage', () => {
  const rows: Array<[string, string, string | undefined]> = [
    ['C:\\Program Files\\VMware\\VMware Consolidated Backup Framework\\config\\config.js', '', 'vcb-config-js'],
    ['/backup/vcb/config/config.js', 'TRANSPORT_MODE="san";', 'vcb-config-js'],
    ['/backup/vcb/config/config.js', 'BACKUPROOT="C:\\\\mnt";', 'vcb-config-js'],
    ['/web/app/config/config.js', 'module.exports = {};', undefined],
    ['/web/app/config.js', 'TRANSPORT_MODE="san";', undefined],
    ['/etc/vmware/backuptools.conf', '', 'backuptools-conf'],
    ['/home/VMs/vm37/catalog', '', 'vcb-catalog'],
    ['/u01/app/oracle/ovm-manager-3/.config', '', 'ovm-config'],
    ['/home/u/.config', '', undefined],
    ['/etc/sysconfig/ovmm', '', 'ovmm-sysconfig'],
    ['/tmp/ovmm', '', 'ovmm-sysconfig'],
    ['/etc/hosts', '', undefined],
  ];
  for (const [p, t, want] of rows) it(`${p} → ${want}`, () => assert.equal(detectLanguage(p, t), want));
});
