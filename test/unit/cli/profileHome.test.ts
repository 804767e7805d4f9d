// The CLI's profile loading expands `~/` in the key files of connections.yaml (vcbHosts[].privateKeyFile,
// managerHost.privateKeyFile) to the home folder, as OpenSSH reads IdentityFile; other paths are left as written.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { connectionProfile } from '../../../src/cli/session';
import { expandHome } from '../../../src/core/homePath';
import { tempDir } from '../../tempDir';

describe('CLI profile loading: privateKeyFile ~/…', () => {
  let ws: string;
  before(() => {
    ws = tempDir('vmbk-home-');
    fs.mkdirSync(path.join(ws, '.vmbackup'));
    const vc = {
      name: 'vc',
      platform: 'vmware',
      url: 'https://vcenter.example',
      username: 'administrator@vsphere.local',
      vcbHosts: [
        { host: 'cos1.example', username: 'root', privateKeyFile: '~/.ssh/id_vcb' },
        { host: 'cos2.example', username: 'root', privateKeyFile: '/etc/keys/id_vcb' },
        { host: 'cos3.example', username: 'root', privateKeyFile: '~other/.ssh/id_vcb' },
        { host: 'cos4.example', username: 'root' },
      ],
    };
    const ovm = {
      name: 'ovm',
      platform: 'oraclevm',
      url: 'https://ovm.example:7002',
      username: 'admin',
      managerHost: { host: 'ovm.example', username: 'root', privateKeyFile: '~/.ssh/id_ovm' },
    };
    fs.writeFileSync(path.join(ws, '.vmbackup', 'connections.yaml'), stringify({ connections: [vc, ovm] }));
  });
  after(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('a VCB host key file ~/… is read from the home folder; absolute, ~user and missing ones are unchanged', () => {
    const hosts = connectionProfile(ws, 'vc').vcbHosts!;
    assert.deepEqual(
      hosts.map((h) => h.privateKeyFile),
      [path.join(os.homedir(), '.ssh', 'id_vcb'), '/etc/keys/id_vcb', '~other/.ssh/id_vcb', undefined],
    );
  });

  it('the Oracle VM Manager host key file too', () => {
    assert.equal(connectionProfile(ws, 'ovm').managerHost?.privateKeyFile, path.join(os.homedir(), '.ssh', 'id_ovm'));
  });

  it('expandHome: ~ and ~/ only', () => {
    assert.equal(expandHome('~', '/home/u'), '/home/u');
    assert.equal(expandHome('~/a b/k', '/home/u'), '/home/u/a b/k');
    assert.equal(expandHome('./~/k', '/home/u'), './~/k');
    assert.equal(expandHome('~k', '/home/u'), '~k');
  });
});
