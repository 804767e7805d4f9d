import { strict as assert } from 'node:assert';
import { parseXml } from '../../../src/providers/vmware/vimXml';
import { asList, decodeValue, optNumber } from '../../../src/providers/vmware/vimValue';
import { envelope, xmlEscape } from '../../../src/providers/vmware/vimSoap';

const XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
const decode = (xml: string) => decodeValue(parseXml(xml));

describe('vim25 values', () => {
  it('decodes typed leaves by xsi:type whatever its prefix', () => {
    assert.equal(decode(`<val ${XSI} xsi:type="xsd:boolean">true</val>`), true);
    assert.equal(
      decode(
        '<val xmlns:XMLSchema-instance="http://www.w3.org/2001/XMLSchema-instance" XMLSchema-instance:type="xsd:long">1073741824</val>',
      ),
      1073741824,
    );
    assert.equal(decode(`<val ${XSI} xsi:type="VirtualMachinePowerState">poweredOn</val>`), 'poweredOn');
    // An attribute named type in another namespace is not xsi:type.
    assert.equal(decode('<val xmlns:x="urn:other" x:type="xsd:boolean">true</val>'), 'true');
  });

  it('decodes morefs, ArrayOf… lists, repeated fields and a field-less typed object', () => {
    assert.deepEqual(decode('<obj type="VirtualMachine">vm-57</obj>'), { type: 'VirtualMachine', value: 'vm-57' });
    assert.deepEqual(
      decode(
        `<val ${XSI} xsi:type="ArrayOfManagedObjectReference"><ManagedObjectReference type="Datastore">datastore-1</ManagedObjectReference></val>`,
      ),
      [{ type: 'Datastore', value: 'datastore-1' }],
    );
    const tree = decode(
      '<n><name>a</name><childSnapshotList><name>b</name></childSnapshotList><childSnapshotList><name>c</name></childSnapshotList></n>',
    ) as Record<string, unknown>;
    assert.equal(asList(tree.childSnapshotList as never).length, 2);
    assert.equal(
      asList(
        (decode('<n><childSnapshotList><name>b</name></childSnapshotList></n>') as Record<string, never>)
          .childSnapshotList,
      ).length,
      1,
    );
    assert.deepEqual(decode(`<fault ${XSI} xsi:type="RequestCanceled"></fault>`), { _type: 'RequestCanceled' });
  });

  it('refuses a number that is not one', () => {
    assert.throws(() => decode(`<val ${XSI} xsi:type="xsd:int">12abc</val>`), /MALFORMED_REPLY/);
    assert.throws(() => optNumber({ type: 'X', value: '1' }, 'capacity'), /MALFORMED_REPLY.*capacity/);
  });

  it('escapes arguments and refuses characters XML cannot carry', () => {
    assert.equal(xmlEscape(`a<b>&"c'`), 'a&lt;b&gt;&amp;&quot;c&apos;');
    assert.throws(() => xmlEscape('name\u0001'), /control characters/);
    const env = envelope(
      'RenameSnapshot',
      { type: 'VirtualMachineSnapshot', value: 'snapshot-1' },
      '<name>x&amp;y</name>',
    );
    const body = parseXml(env).children[0].children[0];
    assert.equal(body.name, 'RenameSnapshot');
    assert.equal(body.ns, 'urn:vim25');
    assert.deepEqual(
      body.children.map((c) => [c.name, c.text]),
      [
        ['_this', 'snapshot-1'],
        ['name', 'x&y'],
      ],
    );
  });
});
