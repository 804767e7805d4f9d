import assert from 'node:assert/strict';
import { connectionsForHost, LanguageId, parse } from '../../../src/formats';

const connections = [
  { name: 'lab', url: 'http://127.0.0.1:40383' },
  { name: 'prod', url: 'https://VC.example.com' },
  { name: 'prod-again', url: 'https://vc.example.com:8443/sdk' },
  { name: 'broken', url: 'not a url' },
  { name: 'no-url' },
];

const rows: Array<{ lang: LanguageId; text: string; want: string[] }> = [
  { lang: 'vcb-config-js', text: 'HOST="127.0.0.1";\nPASSWORD="x";\n', want: ['lab'] },
  { lang: 'backuptools-conf', text: 'VCHOST=127.0.0.1\nPASSWORD=x\n', want: ['lab'] },
  { lang: 'backuptools-conf', text: 'VCHOST="vc.EXAMPLE.com"\n', want: ['prod', 'prod-again'] },
  { lang: 'vcb-config-js', text: 'HOST="other.example.com";\n', want: [] },
  { lang: 'vcb-config-js', text: 'HOST="old";\nHOST="127.0.0.1";\n', want: ['lab'] },
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
});
