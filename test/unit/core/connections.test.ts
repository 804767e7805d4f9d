import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONNECTIONS_FILE, parseConnections, passwordFromEnv, setConnectionKey } from '../../../src/core/connections';
import { tempDir } from '../../tempDir';

describe('connections.yaml', () => {
  it('accepts a valid file', () => {
    const r = parseConnections(
      'connections:\n  - name: lab\n    platform: xen\n    url: http://127.0.0.1:8080\n    username: root\n',
    );
    assert.deepEqual(r.errors, []);
    assert.equal(r.connections[0].name, 'lab');
  });
  it('refuses a password in the file and bad thumbprints', () => {
    const r = parseConnections(
      'connections:\n  - name: lab\n    platform: xen\n    url: https://x\n    username: root\n    password: secret\n    thumbprint: nope\n',
    );
    assert.equal(r.connections.length, 0);
    assert.ok(
      r.errors.some((e) => e.includes('password')),
      r.errors.join(),
    );
    // It says where passwords go, with the variable for this very connection.
    assert.ok(
      r.errors.some((e) =>
        /^\/connections\/0\/password: passwords are not kept in connections\.yaml.*SecretStorage.*VMBACKUP_PASSWORD_LAB or VMBACKUP_PASSWORD, else prompts/.test(
          e,
        ),
      ),
      r.errors.join('\n'),
    );
    assert.ok(!r.errors.join().includes('secret'), 'the password itself is not repeated');
    assert.ok(
      r.errors.some((e) => e.includes('thumbprint')),
      r.errors.join(),
    );
  });
  it('reports YAML syntax errors and duplicate names', () => {
    assert.equal(parseConnections('connections: [').errors.length > 0, true);
    const d = parseConnections(
      'connections:\n  - {name: a, platform: xen, url: "http://x", username: r}\n  - {name: a, platform: xen, url: "http://y", username: r}\n',
    );
    assert.match(d.errors[0], /duplicate/);
  });
  it('reads passwords from the environment only', () => {
    assert.equal(passwordFromEnv('my-lab', { VMBACKUP_PASSWORD_MY_LAB: 'p1', VMBACKUP_PASSWORD: 'p2' }), 'p1');
    assert.equal(passwordFromEnv('other', { VMBACKUP_PASSWORD: 'p2' }), 'p2');
  });

  describe('setConnectionKey (Pin This Certificate)', () => {
    const SHA = 'AB:'.repeat(31) + 'AB';
    const TEXT =
      '# our pools\nconnections:\n  - name: a   # the master\n    platform: xen\n    url: https://a\n    username: root\n  - name: b\n    platform: xen\n    url: https://b\n    username: root\n';
    let ws: string;
    beforeEach(() => {
      ws = tempDir('vmbackup-conn-');
      fs.mkdirSync(path.join(ws, '.vmbackup'));
      fs.writeFileSync(path.join(ws, CONNECTIONS_FILE), TEXT);
    });
    afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));
    const read = () => fs.readFileSync(path.join(ws, CONNECTIONS_FILE), 'utf8');

    it('sets the key on that connection only and keeps the comments', () => {
      setConnectionKey(ws, 'b', 'thumbprint', SHA);
      const text = read();
      assert.match(text, /^# our pools\n/);
      assert.match(text, /- name: a +# the master\n/);
      const { connections, errors } = parseConnections(text);
      assert.deepEqual(errors, []);
      assert.equal(connections.find((c) => c.name === 'b')?.thumbprint, SHA);
      assert.equal(connections.find((c) => c.name === 'a')?.thumbprint, undefined);
    });
    it('refuses an unknown connection and a value the schema refuses, and then writes nothing', () => {
      assert.throws(() => setConnectionKey(ws, 'c', 'thumbprint', SHA), /no connection named "c"/);
      assert.throws(() => setConnectionKey(ws, 'a', 'thumbprint', 'not a thumbprint'), /thumbprint/);
      assert.equal(read(), TEXT);
    });
  });
});
