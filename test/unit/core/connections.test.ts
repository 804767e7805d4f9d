import { strict as assert } from 'node:assert';
import { parseConnections, passwordFromEnv } from '../../../src/core/connections';

describe('connections.yaml', () => {
  it('accepts a valid file', () => {
    const r = parseConnections('connections:\n  - name: lab\n    platform: xen\n    url: http://127.0.0.1:8080\n    username: root\n');
    assert.deepEqual(r.errors, []);
    assert.equal(r.connections[0].name, 'lab');
  });
  it('refuses a password in the file and bad thumbprints', () => {
    const r = parseConnections('connections:\n  - name: lab\n    platform: xen\n    url: https://x\n    username: root\n    password: secret\n    thumbprint: nope\n');
    assert.equal(r.connections.length, 0);
    assert.ok(r.errors.some((e) => e.includes('password')), r.errors.join());
    assert.ok(r.errors.some((e) => e.includes('thumbprint')), r.errors.join());
  });
  it('reports YAML syntax errors and duplicate names', () => {
    assert.equal(parseConnections('connections: [').errors.length > 0, true);
    const d = parseConnections('connections:\n  - {name: a, platform: xen, url: "http://x", username: r}\n  - {name: a, platform: xen, url: "http://y", username: r}\n');
    assert.match(d.errors[0], /duplicate/);
  });
  it('reads passwords from the environment only', () => {
    assert.equal(passwordFromEnv('my-lab', { VMBACKUP_PASSWORD_MY_LAB: 'p1', VMBACKUP_PASSWORD: 'p2' }), 'p1');
    assert.equal(passwordFromEnv('other', { VMBACKUP_PASSWORD: 'p2' }), 'p2');
  });
});
