import assert from 'node:assert/strict';
import { connectionDraft, connectionsForHost, LanguageId, parse } from '../../../src/formats';

const connections = [
  { name: 'lab', url: 'http://127.0.0.1:40383', platform: 'xen' },
  { name: 'vc-lab', url: 'https://127.0.0.1', platform: 'vmware' },
  { name: 'prod', url: 'https://VC.example.com', platform: 'vmware' },
  { name: 'prod-again', url: 'https://vc.example.com:8443/sdk', platform: 'vmware' },
  { name: 'pool-on-vc-host', url: 'https://vc.example.com', platform: 'xen' },
  { name: 'broken', url: 'not a url', platform: 'vmware' },
  { name: 'no-url', platform: 'vmware' },
];

// Issue #13: only connections of the file's platform (VCB → vmware) whose host matches; an XCP-ng pool never owns a VCB password.
const rows: Array<{ lang: LanguageId; text: string; want: string[] }> = [
  { lang: 'vcb-config-js', text: 'HOST="127.0.0.1";\nPASSWORD="x";\n', want: ['vc-lab'] },
  { lang: 'backuptools-conf', text: 'VCHOST=127.0.0.1\nPASSWORD=x\n', want: ['vc-lab'] },
  { lang: 'backuptools-conf', text: 'VCHOST="vc.EXAMPLE.com"\n', want: ['prod', 'prod-again'] },
  { lang: 'vcb-config-js', text: 'HOST="other.example.com";\n', want: [] },
  { lang: 'vcb-config-js', text: 'HOST="old";\nHOST="127.0.0.1";\n', want: ['vc-lab'] },
  { lang: 'backuptools-conf', text: 'HOST=127.0.0.1\n', want: [] },
  { lang: 'vcb-config-js', text: 'PASSWORD="x";\n', want: [] },
  { lang: 'ovmm-sysconfig', text: 'VCHOST=127.0.0.1\n', want: [] },
];

describe('formats: the connection a plaintext password belongs to', () => {
  for (const r of rows) {
    it(`${r.lang}: ${JSON.stringify(r.text)} → ${r.want.join(', ') || 'none'}`, () => {
      assert.deepEqual(connectionsForHost(r.lang, parse(r.lang, r.text).entries, connections), r.want);
    });
  }
  it('a connection of another platform on the same host is never the owner', () => {
    const only = [{ name: 'pool', url: 'https://vc.example.com', platform: 'xen' }];
    assert.deepEqual(
      connectionsForHost('vcb-config-js', parse('vcb-config-js', 'HOST="vc.example.com";\n').entries, only),
      [],
    );
  });
  it('a new connection is pre-filled from the file, with a name no other connection has', () => {
    const e = parse(
      'vcb-config-js',
      'HOST="VC01.example.test";\nUSERNAME="EXAMPLE\\\\svc-vcb";\nPASSWORD="p";\n',
    ).entries;
    assert.deepEqual(connectionDraft('vcb-config-js', e, ['vc01.example.test']), {
      name: 'vc01.example.test-2',
      platform: 'vmware',
      url: 'https://vc01.example.test',
      username: 'EXAMPLE\\svc-vcb',
    });
    assert.equal(connectionDraft('vcb-config-js', parse('vcb-config-js', 'PASSWORD="p";\n').entries, []), undefined);
  });
});
