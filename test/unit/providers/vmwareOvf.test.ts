import { strict as assert } from 'node:assert';
import { VendorError } from '../../../src/core/errors';
import { readOvfDescriptor, safeOvfFileName } from '../../../src/providers/vmware/ovfDescriptor';
import { withoutNicMacs } from '../../../src/providers/vmware/ovfNicMacs';
import { parseLeaseInfo, resolveDeviceUrl } from '../../../src/providers/vmware/nfcLease';
import { deviceFileName } from '../../../src/providers/vmware/vmwareOvfExport';
import { ovfDescriptorFile } from '../../../src/providers/vmware/vmwareOvfImport';
import { elementXml } from '../../../src/providers/vmware/vimSoap';
import { parseXml } from '../../../src/providers/vmware/vimXml';

const ENVELOPE = (refs: string, extra = '') =>
  `<?xml version="1.0"?><Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:o="http://schemas.dmtf.org/ovf/envelope/1">` +
  `<References>${refs}</References><NetworkSection><Info/><Network o:name="VM Network"/></NetworkSection>` +
  `<VirtualSystem o:id="vm1"><Info/><Name>vm1</Name></VirtualSystem>${extra}</Envelope>`;
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof VendorError ? e.code : String(e);
  }
  return 'no error';
};

describe('OVF descriptor read as untrusted input', () => {
  it('reads files (ovf: attributes by namespace, whatever the prefix), networks and the name', () => {
    const s = readOvfDescriptor(ENVELOPE('<File o:id="file1" o:href="disk-0.vmdk" o:size="42"/>'));
    assert.deepEqual(s, {
      name: 'vm1',
      files: [{ id: 'file1', href: 'disk-0.vmdk', size: 42 }],
      networks: ['VM Network'],
      nics: [],
    });
  });

  it('reads the NICs: the network adapters (rasd:ResourceType 10) in order as ethernet<N>, with rasd:Connection and rasd:Address', () => {
    const rasd = 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData';
    const item = (type: number, more: string) => `<Item><r:ResourceType>${type}</r:ResourceType>${more}</Item>`;
    const hw =
      `<VirtualHardwareSection xmlns:r="${rasd}"><Info/>` +
      item(3, '<r:VirtualQuantity>2</r:VirtualQuantity>') +
      item(
        10,
        '<r:Address>00:50:56:aa:bb:01</r:Address><r:Connection>VM Network</r:Connection><r:ElementName>Network adapter 1</r:ElementName>',
      ) +
      item(17, '<r:HostResource>ovf:/disk/vmdisk1</r:HostResource>') +
      item(10, '<r:Connection>Backup Net</r:Connection>') +
      // An element of another namespace with the same local name is not rasd's.
      `<Item><ResourceType>10</ResourceType></Item></VirtualHardwareSection>`;
    const text = ENVELOPE('').replace('<Name>vm1</Name>', `<Name>vm1</Name>${hw}`);
    assert.deepEqual(readOvfDescriptor(text).nics, [
      { device: 'ethernet0', mac: '00:50:56:aa:bb:01', network: 'VM Network' },
      { device: 'ethernet1', mac: '', network: 'Backup Net' },
    ]);
  });

  it('a copy’s descriptor: only the network adapters’ rasd:Address is cut, everything else kept character for character', () => {
    const rasd = 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData';
    const hw =
      `<VirtualHardwareSection xmlns:r="${rasd}"><Info>é 😀</Info>` +
      // A SCSI controller's rasd:Address is its bus number: kept.
      '<Item><r:Address>0</r:Address><r:ResourceType>6</r:ResourceType></Item>' +
      '<Item><r:Address >00:50:56:aa:bb:01</r:Address ><r:Connection>VM Network</r:Connection><r:ResourceType>10</r:ResourceType></Item>' +
      '<Item><r:Connection>Backup Net</r:Connection><r:ResourceType> 10 </r:ResourceType><r:Address>00:50:56:aa:bb:02</r:Address></Item>' +
      // Another namespace's Address is not rasd's.
      '<Item><Address>keep-me</Address><r:ResourceType>10</r:ResourceType></Item></VirtualHardwareSection>';
    const text = ENVELOPE('<File o:id="f" o:href="disk-0.vmdk"/>').replace('<Name>vm1</Name>', `<Name>vm1</Name>${hw}`);
    const out = withoutNicMacs(text);
    assert.equal(
      out,
      text
        .replace('<r:Address >00:50:56:aa:bb:01</r:Address >', '')
        .replace('<r:Address>00:50:56:aa:bb:02</r:Address>', ''),
    );
    assert.deepEqual(
      readOvfDescriptor(out).nics.map((n) => n.mac),
      ['', '', ''],
    );
  });

  for (const href of ['../../etc/passwd', '/etc/passwd', 'a/b.vmdk', '..', 'C:\\x', 'https://evil/x.vmdk', 'a\u0007b'])
    it(`refuses the file name ${JSON.stringify(href)}`, () => {
      const esc = href.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace('\u0007', '&#7;');
      assert.equal(
        code(() => readOvfDescriptor(ENVELOPE(`<File o:id="f" o:href="${esc}"/>`))),
        'INVALID_BACKUP',
      );
      assert.equal(
        code(() => safeOvfFileName(href)),
        'INVALID_BACKUP',
      );
    });

  it('refuses a DOCTYPE with entities (no expansion), another namespace, a size that is not a count, a name twice', () => {
    const bomb =
      `<?xml version="1.0"?><!DOCTYPE e [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>` +
      ENVELOPE('<File o:id="f" o:href="&b;"/>');
    assert.equal(
      code(() => readOvfDescriptor(bomb)),
      'INVALID_BACKUP',
    );
    assert.equal(
      code(() => readOvfDescriptor('<Envelope xmlns="urn:other"/>')),
      'INVALID_BACKUP',
    );
    assert.equal(
      code(() => readOvfDescriptor(ENVELOPE('<File o:id="f" o:href="d.vmdk" o:size="-1"/>'))),
      'INVALID_BACKUP',
    );
    assert.equal(
      code(() => readOvfDescriptor(ENVELOPE('<File o:id="f" o:href="d.vmdk"/><File o:id="g" o:href="d.vmdk"/>'))),
      'INVALID_BACKUP',
    );
  });

  it('an OVF backup is one with exactly one .ovf at the top of its folder', () => {
    const f = (name: string) => ({ name, bytes: 1, sha256: 'x' });
    assert.equal(ovfDescriptorFile([f('vm.ovf'), f('disk-0.vmdk')])?.name, 'vm.ovf');
    assert.equal(ovfDescriptorFile([f('LocalDS_0/vm/vm.vmx')]), undefined);
    assert.equal(ovfDescriptorFile([f('a.ovf'), f('b.ovf')]), undefined);
    assert.equal(ovfDescriptorFile([f('sub/a.ovf')]), undefined);
  });
});

describe('HttpNfcLease device URLs', () => {
  const conn = 'https://esx.example:8443';
  it('substitutes "*" with the host (and port) the client connected to; the cookie only goes to that origin', () => {
    assert.deepEqual(resolveDeviceUrl('https://*/nfc/52a/disk-0.vmdk', conn), {
      url: 'https://esx.example:8443/nfc/52a/disk-0.vmdk',
      sameHost: true,
    });
    assert.deepEqual(
      resolveDeviceUrl('https://*:9443/nfc/52a/disk-0.vmdk', conn).url,
      'https://esx.example:9443/nfc/52a/disk-0.vmdk',
    );
    assert.equal(resolveDeviceUrl('https://esx2.example/nfc/52a/disk-0.vmdk', conn).sameHost, false);
  });

  it('refuses http, credentials in the URL and what is not a URL', () => {
    assert.equal(
      code(() => resolveDeviceUrl('http://*/nfc/x', conn)),
      'MALFORMED_REPLY',
    );
    assert.equal(
      code(() => resolveDeviceUrl('https://u:p@host/nfc/x', conn)),
      'MALFORMED_REPLY',
    );
    assert.equal(
      code(() => resolveDeviceUrl('not a url', conn)),
      'MALFORMED_REPLY',
    );
  });

  it('a file name from the lease must be a plain name', () => {
    assert.equal(deviceFileName({ targetId: 'disk-0.vmdk', url: 'https://*/x' }), 'disk-0.vmdk');
    assert.equal(deviceFileName({ url: 'https://*/nfc/52a/disk-1.vmdk' }), 'disk-1.vmdk');
    for (const targetId of ['../x.vmdk', '.hidden', 'a/b', 'x\u0000'])
      assert.equal(
        code(() => deviceFileName({ targetId, url: 'https://*/x' })),
        'MALFORMED_REPLY',
        targetId,
      );
  });

  it('reads HttpNfcLeaseInfo; a device URL without url is malformed', () => {
    const info = parseLeaseInfo({
      entity: { type: 'VirtualMachine', value: 'vm-1' },
      leaseTimeout: 300,
      totalDiskCapacityInKB: 4,
      deviceUrl: {
        key: '/vm-1/disk:0',
        importKey: '',
        url: 'https://*/nfc/l/disk-0.vmdk',
        sslThumbprint: 'AB',
        disk: true,
        targetId: 'disk-0.vmdk',
      },
    });
    assert.equal(info.deviceUrls[0].disk, true);
    assert.equal(info.leaseTimeoutSeconds, 300);
    assert.equal(
      code(() => parseLeaseInfo({ entity: { type: 'VirtualMachine', value: 'v' }, deviceUrl: { key: 'k' } })),
      'MALFORMED_REPLY',
    );
  });
});

describe('elementXml: a reply element sent back as an argument', () => {
  it('keeps xsi:type (vim25 types unprefixed, XML Schema types as xsd:), moref type attributes and escapes text', () => {
    const doc = parseXml(
      '<r xmlns="urn:vim25" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">' +
        '<importSpec xsi:type="VirtualMachineImportSpec"><configSpec><name>a&amp;b</name><v xsi:type="xsd:string">x</v></configSpec>' +
        '<resPoolEntity type="ResourcePool">resgroup-1</resPoolEntity></importSpec></r>',
    );
    assert.equal(
      elementXml(doc.children[0], 'spec'),
      '<spec xsi:type="VirtualMachineImportSpec"><configSpec><name>a&amp;b</name><v xsi:type="xsd:string">x</v></configSpec>' +
        '<resPoolEntity type="ResourcePool">resgroup-1</resPoolEntity></spec>',
    );
  });
});
