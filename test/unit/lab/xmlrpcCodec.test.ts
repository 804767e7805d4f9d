// The lab's XML-RPC codec against hand-written XML-RPC (the spec's types, as Python's xmlrpc.client and
// @vates/xml-rpc write them) and against xapi's wire format (ocaml/doc/wire-protocol.md, ocaml-rpc xmlrpc.ml).
import assert from 'node:assert/strict';
import {
  failureResponse,
  marshal,
  parseMethodCall,
  successResponse,
  valueXml,
  XmlRpcParseError,
} from '../../lab/xapi/xmlrpcCodec';

describe('lab XML-RPC codec', () => {
  it('parses every XML-RPC type a client may send, whitespace and entities included', () => {
    const xml = `<?xml version='1.0'?>
<methodCall>
  <methodName>VM.start</methodName>
  <params>
    <param><value><string>OpaqueRef:a &amp; &lt;b&gt; &#233;</string></value></param>
    <param><value>untyped text</value></param>
    <param><value></value></param>
    <param><value><boolean>1</boolean></value></param>
    <param><value><int>-7</int></value></param>
    <param><value><i4>42</i4></value></param>
    <param><value><double>60.1</double></value></param>
    <param><value><dateTime.iso8601>20250101T00:00:00Z</dateTime.iso8601></value></param>
    <param><value><base64>aGk=</base64></value></param>
    <param><value><nil/></value></param>
    <param><value><array><data>
      <value><string>x</string></value>
      <value>y</value>
    </data></array></value></param>
    <param><value><struct>
      <member><name>k</name><value><string>v</string></value></member>
      <member><name>n</name><value><struct></struct></value></member>
    </struct></value></param>
  </params>
</methodCall>`;
    const { method, params } = parseMethodCall(xml);
    assert.equal(method, 'VM.start');
    assert.deepEqual(params, [
      'OpaqueRef:a & <b> é',
      'untyped text',
      '',
      true,
      -7,
      42,
      60.1,
      '20250101T00:00:00Z',
      Buffer.from('hi'),
      null,
      ['x', 'y'],
      { k: 'v', n: {} },
    ]);
  });

  it('refuses what is not a method call', () => {
    assert.throws(() => parseMethodCall('<methodResponse/>'), XmlRpcParseError);
    assert.throws(
      () =>
        parseMethodCall(
          '<methodCall><methodName>a</methodName><params><param><value><int>x</int></value></param></params></methodCall>',
        ),
      XmlRpcParseError,
    );
    assert.throws(
      () =>
        parseMethodCall(
          '<methodCall><methodName>a</methodName><params><param><value><frob/></value></param></params></methodCall>',
        ),
      XmlRpcParseError,
    );
  });

  it('marshals by datamodel type as xapi does', () => {
    assert.equal(valueXml(2147483648, 'int'), '<value>2147483648</value>');
    assert.equal(valueXml(1, 'float'), '<value><double>1</double></value>');
    assert.equal(valueXml(true, 'bool'), '<value><boolean>1</boolean></value>');
    assert.equal(valueXml('Halted', 'enum vm_power_state'), '<value>Halted</value>');
    assert.equal(
      valueXml(['a'], 'enum vm_operations set'),
      '<value><array><data><value>a</value></data></array></value>',
    );
    assert.equal(
      valueXml({ a: 'b' }, '(string -> string) map'),
      '<value><struct><member><name>a</name><value>b</value></member></struct></value>',
    );
    assert.equal(valueXml('', 'void'), '<value></value>');
    assert.equal(valueXml('a<b&c', 'string'), '<value>a&lt;b&amp;c</value>');
    // a record: each field by its own type
    const rec = valueXml({ VCPUs_max: 2, is_a_template: false, snapshot_time: '19700101T00:00:00Z' }, 'VM record');
    assert.equal(
      rec,
      '<value><struct><member><name>VCPUs_max</name><value>2</value></member><member><name>is_a_template</name><value><boolean>0</boolean></value></member><member><name>snapshot_time</name><value><dateTime.iso8601>19700101T00:00:00Z</dateTime.iso8601></value></member></struct></value>',
    );
    // no type known: by shape
    assert.equal(valueXml(0.5), '<value><double>0.5</double></value>');
    assert.deepEqual(marshal(3), { value: [{ '#text': '3' }] });
  });

  it('wraps results and failures in the Status struct', () => {
    assert.equal(
      successResponse(marshal('OpaqueRef:x', 'VM ref')),
      '<?xml version="1.0"?><methodResponse><params><param><value><struct><member><name>Status</name><value>Success</value></member><member><name>Value</name><value>OpaqueRef:x</value></member></struct></value></param></params></methodResponse>',
    );
    assert.equal(
      failureResponse(['HANDLE_INVALID', 'VM', 'OpaqueRef:x']),
      '<?xml version="1.0"?><methodResponse><params><param><value><struct><member><name>Status</name><value>Failure</value></member><member><name>ErrorDescription</name><value><array><data><value>HANDLE_INVALID</value><value>VM</value><value>OpaqueRef:x</value></data></array></value></member></struct></value></param></params></methodResponse>',
    );
  });
});
