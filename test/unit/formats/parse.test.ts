import assert from 'node:assert/strict';
import { parse } from '../../../src/formats';

describe('formats: parsers keep exact offsets and unescape values', () => {
  it('config.js: doubled backslashes, comments, keyRange/valueRange', () => {
    const text = '// header\n/* multi\nline */ BACKUPROOT = "C:\\\\vcb_mnts"; PORT=443\nHOST=\'h\';';
    const r = parse('vcb-config-js', text);
    const root = r.entries.find((e) => e.key === 'BACKUPROOT')!;
    assert.equal(root.value, 'C:\\vcb_mnts');
    assert.equal(text.slice(root.keyRange.start.offset, root.keyRange.end.offset), 'BACKUPROOT');
    assert.equal(root.rawValue, '"C:\\\\vcb_mnts"');
    assert.equal(text.slice(root.valueRange.start.offset, root.valueRange.end.offset), root.rawValue);
    assert.deepEqual([root.keyRange.start.line, root.keyRange.start.character], [2, 8]);
    const port = r.entries.find((e) => e.key === 'PORT')!;
    assert.equal(port.value, '443');
    assert.equal(r.entries.find((e) => e.key === 'HOST')!.value, 'h');
  });

  it('backuptools.conf: quotes, escapes, variables kept literal, continuation', () => {
    const text = 'PASSWORD=pa\\$s\'w o\'"rd\\""\nTEMPDIR=${HOME}/t\nVCHOST=vc\\\n.example.com\n';
    const r = parse('backuptools-conf', text);
    const pw = r.entries[0];
    assert.equal(pw.value, 'pa$sw ord"');
    assert.equal(pw.quote, 'mixed');
    assert.equal(r.entries[1].value, '${HOME}/t');
    assert.equal(r.entries[2].value, 'vc.example.com');
    assert.equal(r.entries[2].valueRange.end.line, 3);
  });

  it('catalog and .config: key=value with exact ranges', () => {
    const text = 'config.vmx= "[ds1] vm/vm.vmx"\r\nhost=esx1\r\n';
    const r = parse('vcb-catalog', text);
    assert.equal(r.entries[0].value, '[ds1] vm/vm.vmx');
    assert.equal(r.entries[1].keyRange.start.line, 1);
    assert.equal(r.entries[1].value, 'esx1');
    const o = parse('ovm-config', 'DBTYPE=MySQL\nUUID=x\n');
    assert.deepEqual(
      o.entries.map((e) => [e.key, e.value]),
      [
        ['DBTYPE', 'MySQL'],
        ['UUID', 'x'],
      ],
    );
  });
  it('catalog: the two line forms seen in real catalogs (key= "value" and key=value)', () => {
    const text =
      'config.vmx= "[storage1] vm37/vm37.vmx"\nhost=myserver.mydomain\nresourcepool= "/ha-folder-root/ha-datacenter/host/myserver.mydomain/Resources"\n';
    const r = parse('vcb-catalog', text);
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(
      r.entries.map((e) => [e.key, e.value, e.quote]),
      [
        ['config.vmx', '[storage1] vm37/vm37.vmx', 'double'],
        ['host', 'myserver.mydomain', 'none'],
        ['resourcepool', '/ha-folder-root/ha-datacenter/host/myserver.mydomain/Resources', 'double'],
      ],
    );
    assert.equal(text.slice(r.entries[2].valueRange.start.offset, r.entries[2].valueRange.end.offset)[0], '"');
  });
});
