// Add Connection's per-platform forms: each platform has one, and a bare host completes to the platform's own form.
import { strict as assert } from 'node:assert';
import { completeUrl, urlProblem } from '../../../src/core/connectionForm';
import { connectionForms } from '../../../src/providers';

const form = (platform: string) => connectionForms().find((f) => f.platform === platform)!;

describe('connection forms', () => {
  it('every platform has a form, offered in the pick as Xen, vSphere, Oracle VM', () => {
    assert.deepEqual(
      connectionForms().map((f) => [f.platform, f.label, f.urlForm, f.defaultUser]),
      [
        ['xen', 'Citrix Hypervisor / XCP-ng', 'https://<pool-master>', 'root'],
        ['vmware', 'VMware vSphere (vCenter or ESXi)', 'https://<vcenter>/sdk', 'administrator@vsphere.local'],
        ['oraclevm', 'Oracle VM Manager 3.4', 'https://<manager>:7002/ovm/core/wsapi/rest', 'admin'],
      ],
    );
  });

  it('completes a bare host to the platform’s default form', () => {
    assert.equal(completeUrl(form('xen'), 'xcp-master.example'), 'https://xcp-master.example');
    assert.equal(completeUrl(form('vmware'), 'vc.example'), 'https://vc.example/sdk');
    assert.equal(completeUrl(form('vmware'), 'vc.example:8443'), 'https://vc.example:8443/sdk');
    assert.equal(completeUrl(form('oraclevm'), 'ovmm.example'), 'https://ovmm.example:7002/ovm/core/wsapi/rest');
    assert.equal(completeUrl(form('oraclevm'), 'ovmm.example:7443'), 'https://ovmm.example:7443/ovm/core/wsapi/rest');
  });

  it('keeps a URL with a scheme as typed', () => {
    assert.equal(completeUrl(form('vmware'), ' https://127.0.0.1:4443/sdk '), 'https://127.0.0.1:4443/sdk');
    assert.equal(completeUrl(form('vmware'), 'https://esx1.example'), 'https://esx1.example');
    assert.equal(completeUrl(form('xen'), 'http://10.0.0.1'), 'http://10.0.0.1');
  });

  it('refuses what is not an http(s) URL, naming the form', () => {
    for (const bad of ['', '   ', 'ftp://vc.example', 'vc example', 'https://'])
      assert.equal(completeUrl(form('vmware'), bad), undefined, bad);
    assert.equal(urlProblem(form('vmware'), 'ftp://x'), 'A URL such as https://<vcenter>/sdk, or the host name alone');
    assert.equal(urlProblem(form('oraclevm'), 'ovmm.example'), undefined);
  });
});
