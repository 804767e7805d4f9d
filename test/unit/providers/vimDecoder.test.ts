// The vim25 reply decoder (vimXml.ts XmlReader → vimReply.ts SoapReply → vimValue.ts VimValueBuilder): values straight
// from saxes' events, the same as decodeValue over a tree, whatever the prefixes; hostile replies refused clearly.
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { VendorError } from '../../../src/core/errors';
import { VimClient } from '../../../src/providers/vmware/vimClient';
import { SoapReply } from '../../../src/providers/vmware/vimReply';
import { XmlReader, parseXml } from '../../../src/providers/vmware/vimXml';
import { VimValue, decodeValue } from '../../../src/providers/vmware/vimValue';
import { retrieveFromContainer } from '../../../src/providers/vmware/vimPropertyCollector';

const SOAP = 'http://schemas.xmlsoap.org/soap/envelope/';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

/** Decodes a whole reply, fed in pieces of `step` characters (a reply read while it arrives). */
function decodeReply(
  xml: string,
  method: string,
  step = xml.length,
  onField?: (n: string, v: VimValue) => void,
): VimValue[] {
  const reply = new SoapReply(true, onField);
  const reader = new XmlReader(reply);
  for (let i = 0; i < xml.length; i += step) reader.write(xml.slice(i, i + step));
  reader.close();
  return reply.result(method).values;
}

const env = (inner: string) =>
  `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="${SOAP}" xmlns:xsi="${XSI}" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soapenv:Body>${inner}</soapenv:Body></soapenv:Envelope>`;

const isMalformed = (re: RegExp) => (e: unknown) =>
  e instanceof VendorError && e.code === 'MALFORMED_REPLY' && re.test(e.message);

describe('vim25 reply decoder (values straight from the parser events)', () => {
  it('finds the envelope, the response and xsi:type by namespace URI, whatever the prefixes', () => {
    const xml =
      `<S:Envelope xmlns:S="${SOAP}"><S:Body><v:RetrievePropertiesExResponse xmlns:v="urn:vim25" xmlns:i="${XSI}">` +
      '<v:returnval><v:objects><v:obj type="VirtualMachine">vm-1</v:obj>' +
      '<v:propSet><v:name>config.hardware.numCPU</v:name><v:val i:type="xs:int" xmlns:xs="http://www.w3.org/2001/XMLSchema">4</v:val></v:propSet>' +
      // vcsim's form: its own prefix declared on the element itself
      `<v:propSet><v:name>config.template</v:name><v:val xmlns:XMLSchema-instance="${XSI}" XMLSchema-instance:type="xsd:boolean">1</v:val></v:propSet>` +
      // a `type` attribute in another namespace is not xsi:type
      '<v:propSet><v:name>name</v:name><v:val xmlns:o="urn:other" o:type="xsd:boolean">true</v:val></v:propSet>' +
      '</v:objects></v:returnval></v:RetrievePropertiesExResponse></S:Body></S:Envelope>';
    const [rv] = decodeReply(xml, 'RetrievePropertiesEx');
    assert.deepEqual(rv, {
      objects: {
        obj: { type: 'VirtualMachine', value: 'vm-1' },
        propSet: [
          { name: 'config.hardware.numCPU', val: 4 },
          { name: 'config.template', val: true },
          { name: 'name', val: 'true' },
        ],
      },
    });
    // A body in no namespace is not a SOAP envelope.
    assert.throws(
      () => decodeReply('<Envelope><Body><XResponse/></Body></Envelope>', 'X'),
      isMalformed(/not a SOAP envelope/),
    );
  });

  it('xsi:type variants: primitives, enums, a field-less data object, ArrayOf… lists, empty and repeated', () => {
    const [rv] = decodeReply(
      env(
        '<XResponse xmlns="urn:vim25"><returnval>' +
          '<a xsi:type="xsd:long">1073741824</a><b xsi:type="xsd:boolean">false</b><c xsi:type="VirtualMachinePowerState">poweredOn</c>' +
          '<d xsi:type="RequestCanceled"/><e xsi:type="ArrayOfManagedObjectReference"/>' +
          '<f xsi:type="ArrayOfString"><string>x</string></f><g xsi:type="xsd:string"></g>' +
          '<h><name>1</name></h><h><name>2</name></h><h><name>3</name></h>' +
          '<m xsi:type="ArrayOfManagedObjectReference"><ManagedObjectReference type="Datastore">datastore-1</ManagedObjectReference><ManagedObjectReference type="Datastore">datastore-2</ManagedObjectReference></m>' +
          '</returnval></XResponse>',
      ),
      'X',
    );
    assert.deepEqual(rv, {
      a: 1073741824,
      b: false,
      c: 'poweredOn',
      d: { _type: 'RequestCanceled' },
      e: [],
      f: ['x'],
      g: '',
      h: [{ name: '1' }, { name: '2' }, { name: '3' }],
      m: [
        { type: 'Datastore', value: 'datastore-1' },
        { type: 'Datastore', value: 'datastore-2' },
      ],
    });
    assert.throws(
      () =>
        decodeReply(
          env('<XResponse xmlns="urn:vim25"><returnval xsi:type="xsd:int">12abc</returnval></XResponse>'),
          'X',
        ),
      isMalformed(/not a number/),
    );
  });

  it('entities and CDATA give the text they stand for, however the reply is cut into pieces', () => {
    const xml = env(
      '<XResponse xmlns="urn:vim25"><returnval><name>a&lt;b&amp;c&#x41;&#66;&quot;</name>' +
        '<annotation><![CDATA[<b>&amp; kept</b>]]></annotation><both>x<![CDATA[<y>]]>z</both></returnval></XResponse>',
    );
    const want = { name: 'a<b&cAB"', annotation: '<b>&amp; kept</b>', both: 'x<y>z' };
    assert.deepEqual(decodeReply(xml, 'X')[0], want);
    assert.deepEqual(decodeReply(xml, 'X', 1)[0], want);
    assert.deepEqual(decodeReply(xml, 'X', 7)[0], want);
  });

  it('decodes exactly as decodeValue over an element tree (one set of rules)', () => {
    const inner =
      '<returnval><token>t-1</token><objects><obj type="Folder">group-d1</obj><propSet><name>childEntity</name>' +
      '<val xsi:type="ArrayOfManagedObjectReference"><ManagedObjectReference type="Datacenter">datacenter-2</ManagedObjectReference></val></propSet>' +
      '<missingSet><path>x</path><fault><fault xsi:type="NoPermission"/></fault></missingSet></objects></returnval>';
    const tree = parseXml(
      env(`<RetrievePropertiesExResponse xmlns="urn:vim25">${inner}</RetrievePropertiesExResponse>`),
    );
    const fromTree = decodeValue(tree.children[0].children[0].children[0]);
    const [fromEvents] = decodeReply(
      env(`<RetrievePropertiesExResponse xmlns="urn:vim25">${inner}</RetrievePropertiesExResponse>`),
      'RetrievePropertiesEx',
      5,
    );
    assert.deepEqual(fromEvents, fromTree);
  });

  it('reports a returnval field as soon as it is read (the token before the objects that follow it)', () => {
    const order: string[] = [];
    const reply = new SoapReply(true, (name, v) => order.push(`${name}=${JSON.stringify(v)}`));
    const reader = new XmlReader(reply);
    reader.write(
      `<soapenv:Envelope xmlns:soapenv="${SOAP}"><soapenv:Body><RetrievePropertiesExResponse xmlns="urn:vim25"><returnval><token>page-2</token><objects>`,
    );
    assert.deepEqual(order, ['token="page-2"'], 'known before the objects arrive');
    reader.write('<obj type="VirtualMachine">vm-1</obj></objects></returnval></RetrievePropertiesExResponse>');
    reader.write('</soapenv:Body></soapenv:Envelope>');
    reader.close();
    assert.equal(order.length, 2);
  });

  it('a fault is a VendorError with its type verbatim, found by namespace, the fault of a values reply too', () => {
    const fault = env(
      `<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>The object has already been deleted</faultstring><detail><ManagedObjectNotFoundFault xmlns="urn:vim25" xmlns:q="${XSI}" q:type="ManagedObjectNotFound"><obj type="VirtualMachine">vm-9</obj></ManagedObjectNotFoundFault></detail></soapenv:Fault>`,
    );
    assert.throws(
      () => decodeReply(fault, 'RetrievePropertiesEx'),
      (e: unknown) =>
        e instanceof VendorError &&
        e.code === 'ManagedObjectNotFound' &&
        e.params.includes('VirtualMachine:vm-9') &&
        e.params.includes('The object has already been deleted'),
    );
  });

  it('refuses hostile replies with a clear error: too deep, too many elements, a DOCTYPE, an unknown entity, not XML', () => {
    const deep = env(
      `<XResponse xmlns="urn:vim25"><returnval>${'<a>'.repeat(100)}x${'</a>'.repeat(100)}</returnval></XResponse>`,
    );
    assert.throws(() => decodeReply(deep, 'X'), isMalformed(/nested deeper than 64/));
    const many = new SoapReply(true);
    const reader = new XmlReader(many, { maxElements: 1000 });
    assert.throws(
      () => {
        reader.write(env(`<XResponse xmlns="urn:vim25"><returnval>${'<a>1</a>'.repeat(2000)}</returnval></XResponse>`));
      },
      isMalformed(/more than 1000 elements/),
    );
    const bomb = `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>${env('<XResponse xmlns="urn:vim25"><returnval>&b;</returnval></XResponse>').replace('<?xml version="1.0"?>', '')}`;
    assert.throws(() => decodeReply(bomb, 'X'), isMalformed(/DOCTYPE/));
    assert.throws(
      () => decodeReply(env('<XResponse xmlns="urn:vim25"><returnval>&b;</returnval></XResponse>'), 'X'),
      isMalformed(/not well-formed/),
    );
    assert.throws(() => decodeReply('<html>proxy error', 'X'), isMalformed(/not well-formed/));
    assert.throws(() => decodeReply('', 'X'), isMalformed(/must contain a root element/));
  });
});

describe('vim25 paged retrieval', () => {
  it('asks for the next page as soon as the token is read, before the rest of the page has arrived', async () => {
    const events: string[] = [];
    let finishFirst: (() => void) | undefined;
    const response = (method: string, inner: string) =>
      env(`<${method}Response xmlns="urn:vim25">${inner}</${method}Response>`);
    const obj = (id: string) =>
      `<objects><obj type="VirtualMachine">${id}</obj><propSet><name>name</name><val xsi:type="xsd:string">${id}</val></propSet></objects>`;
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const method = /<(\w+) xmlns="urn:vim25">/.exec(body)![1];
        events.push(method);
        res.writeHead(200, { 'Content-Type': 'text/xml', 'Set-Cookie': 'vmware_soap_session="s1"; Path=/' });
        if (method === 'RetrieveServiceContent')
          return res.end(
            response(
              method,
              '<returnval><rootFolder type="Folder">group-d1</rootFolder><propertyCollector type="PropertyCollector">pc</propertyCollector><viewManager type="ViewManager">vm</viewManager><sessionManager type="SessionManager">sm</sessionManager><about><apiType>VirtualCenter</apiType><apiVersion>6.5</apiVersion></about></returnval>',
            ),
          );
        if (method === 'CreateContainerView')
          return res.end(response(method, '<returnval type="ContainerView">session[1]view</returnval>'));
        if (method === 'RetrievePropertiesEx') {
          // The token and one object now; the rest only once the next page was asked for (or after 5 s).
          const whole = response(method, `<returnval><token>p2</token>${obj('vm-1')}${obj('vm-2')}</returnval>`);
          const cut = whole.indexOf('<objects>', whole.indexOf('</objects>'));
          res.write(whole.slice(0, cut));
          const rest = () => {
            events.push('RetrievePropertiesEx rest');
            res.end(whole.slice(cut));
          };
          const timer = setTimeout(rest, 5000);
          finishFirst = () => {
            clearTimeout(timer);
            rest();
          };
          return;
        }
        if (method === 'ContinueRetrievePropertiesEx') {
          res.end(response(method, `<returnval>${obj('vm-3')}</returnval>`));
          finishFirst?.();
          return;
        }
        res.end(response(method, ''));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const client = new VimClient({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        username: 'u',
        password: 'p-secret',
      });
      await client.connect();
      const objects = await retrieveFromContainer(client, client.content.rootFolder, [
        { type: 'VirtualMachine', pathSet: ['name'] },
      ]);
      assert.deepEqual(
        objects.map((o) => o.props.name),
        ['vm-1', 'vm-2', 'vm-3'],
      );
      assert.ok(
        events.indexOf('ContinueRetrievePropertiesEx') < events.indexOf('RetrievePropertiesEx rest'),
        events.join(' → '),
      );
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
