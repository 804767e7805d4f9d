// Stopping the labs after a terminal's Ctrl-C: the signal reaches the whole process group, so the lab's children (sshd)
// are already dead when stop() runs. stop() must still succeed and remove what the lab made.
import { strict as assert } from 'node:assert';
import { alive } from './pidAlive';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildVcsim } from '../peers/vcsim/vcsim';
import { loadConnections } from '../../src/core/connections';
import { SshdPeer, startSshdPeer } from '../peers/openssh/sshdPeer';
import { tempDir } from '../tempDir';

/** Resolves once the pid is gone (reaped), polling. */
async function gone(pid: number): Promise<void> {
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('lab stop after the children died of the Ctrl-C', function () {
  this.timeout(120_000);
  let peer: SshdPeer | undefined;
  let demoPid = 0;
  const made: string[] = [];
  after(async () => {
    if (peer && fs.existsSync(peer.dir)) await peer.stop().catch(() => undefined);
    if (demoPid && alive(demoPid)) process.kill(-demoPid, 'SIGKILL');
    for (const d of made) fs.rmSync(d, { recursive: true, force: true });
  });

  it('sshd peer: stop() after sshd died of SIGINT resolves, removes its folder (keys) and its user', async () => {
    peer = await startSshdPeer();
    const pid = Number(fs.readFileSync(path.join(peer.dir, 'sshd.pid'), 'utf8').trim());
    assert.ok(pid > 0);
    process.kill(pid, 'SIGINT');
    await gone(pid);
    await peer.stop();
    assert.equal(fs.existsSync(peer.dir), false, `${peer.dir} removed`);
    const passwd = fs.readFileSync('/etc/passwd', 'utf8');
    assert.ok(!passwd.split('\n').some((l) => l.startsWith(`${peer!.user}:`)), 'user removed');
  });

  it('npm run demo (--labs-only): a Ctrl-C to its process group stops every lab, removes their folders, exit 130', async () => {
    buildVcsim();
    const ws = tempDir('vmbackup-demostop-');
    made.push(ws);
    const demo = path.join(__dirname, '..', 'e2e', 'demo.js');
    // detached: its own process group, as a shell runs `npm run demo`; the SIGINT goes to the group, as a terminal's.
    const child = spawn(process.execPath, [demo, '--labs-only'], {
      env: { ...process.env, DEMO_WORKSPACE: path.join(ws, 'demo-workspace') },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    demoPid = child.pid!;
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ctrl-C stops the demo.')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`demo exited (${code}) before it was ready:\n${out}\n${err}`)));
    });
    const keyDir = /key (\/\S+)\/e2e_client_key/.exec(out)?.[1];
    assert.ok(keyDir, `the demo has a VCB host (an sshd peer):\n${out}`);
    assert.ok(fs.existsSync(keyDir), keyDir);
    const ovmKey = loadConnections(path.join(ws, 'demo-workspace')).connections.find((c) => c.name === 'ovm')?.oraclevm
      ?.sshKeyFile;
    assert.ok(ovmKey && fs.existsSync(ovmKey), `the demo has an Oracle VM Manager (an sshd peer):\n${out}`);
    process.kill(-child.pid!, 'SIGINT');
    assert.equal(await exited, 130, `exit code 130; stderr:\n${err}`);
    assert.doesNotMatch(err, /ESRCH|Error/, 'no error while stopping');
    assert.equal(fs.existsSync(keyDir), false, `${keyDir} (host key, client key) removed`);
    assert.equal(fs.existsSync(path.dirname(ovmKey)), false, `${path.dirname(ovmKey)} (the Oracle VM sshd) removed`);
  });
});
