// src/transport/ssh.ts against a real OpenSSH server (test/peers/openssh): pinning, auth, exec, cancel, SFTP download.
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SshdPeer, startSshdPeer } from '../peers/openssh/sshdPeer';
import { SshOptions, SshSession } from '../../src/transport/ssh';
import { UntrustedCertificateError, CancelledError } from '../../src/core/errors';
import { IdleTimeoutError } from '../../src/transport/idleLimit';
import { shellQuote } from '../../src/transport/shellQuote';
import { tempDir } from '../tempDir';

const HOSTILE = [
  `it's`,
  `$(touch /tmp/vmbk-pwned)`,
  '`id`',
  'a\nb',
  'semi;colon && echo x',
  '*',
  '-n',
  ' lead and trail ',
  '"dq"',
  '\\back',
  '$HOME',
  '',
];

/** Running (a zombie waiting for its reaper counts as gone: it has ended). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('SSH transport against OpenSSH', function () {
  this.timeout(120_000);
  let peer: SshdPeer;
  let tmp: string;
  const opts = (o: Partial<SshOptions> = {}): SshOptions => ({
    label: 'ovs1',
    host: peer.host,
    port: peer.port,
    username: peer.user,
    privateKey: peer.privateKey,
    hostKey: peer.hostKeyFingerprint,
    ...o,
  });

  before(async () => {
    peer = await startSshdPeer();
    tmp = tempDir('vmbk-ssh-test-');
    // argv printer: one line per argument, NUL-free, hex so newlines inside arguments stay visible.
    peer.addTool('argv-hex', '#!/bin/sh\nfor a in "$@"; do printf %s "$a" | od -An -tx1 | tr -d " \\n"; echo; done\n');
    peer.addTool('fail-with', '#!/bin/sh\necho "to stderr: $2" >&2\nexit "$1"\n');
    // Records its own pid and its child's, then waits: the cancel test checks both are gone.
    peer.addTool('sleeper', '#!/bin/sh\nsleep 300 &\necho "$$ $!" > "$1"\nwait\n');
    // A child that ignores TERM: only the KILL that follows ends it.
    peer.addTool('stubborn', '#!/bin/sh\nsh -c \'trap "" TERM; sleep 300\' &\necho "$$ $!" > "$1"\nwait\n');
  });
  after(async () => {
    await peer?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('first contact is refused with the fingerprint the server presented, as ssh-keygen -lf prints it', async () => {
    const err = await SshSession.connect(opts({ hostKey: undefined })).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof UntrustedCertificateError, String(err));
    assert.equal(err.code, 'SSH_HOST_KEY_UNKNOWN');
    assert.equal(err.thumbprint, peer.hostKeyFingerprint);
    assert.match(err.message, /connection "ovs1", host "127\.0\.0\.1:\d+"/);
  });

  it('a changed host key is refused and named, the pinned one accepted', async () => {
    const other = await startSshdPeer();
    try {
      const err = await SshSession.connect(opts({ port: other.port })).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof UntrustedCertificateError, String(err));
      assert.equal(err.code, 'SSH_HOST_KEY_MISMATCH');
      assert.equal(err.thumbprint, other.hostKeyFingerprint);
      assert.ok(err.message.includes(peer.hostKeyFingerprint));
    } finally {
      await other.stop();
    }
    const s = await SshSession.connect(opts());
    await s.close();
  });

  it('password authentication works, a wrong password is refused without the password in the message', async () => {
    const s = await SshSession.connect(opts({ privateKey: undefined, password: peer.password }));
    const r = await s.exec(['id', '-un']);
    assert.equal(r.stdout.trim(), peer.user);
    await s.close();
    const wrong = 'Wr0ng-' + randomBytes(6).toString('hex');
    const err = await SshSession.connect(opts({ privateKey: undefined, password: wrong })).then(
      () => undefined,
      (e: Error) => e,
    );
    assert.ok(err instanceof Error);
    assert.match(err.message, /authentication refused/);
    assert.ok(!err.message.includes(wrong) && !err.message.includes(peer.password));
  });

  describe('with a session', () => {
    let s: SshSession;
    before(async () => {
      s = await SshSession.connect(opts());
    });
    after(async () => {
      await s?.close();
    });

    it('passes hostile arguments through the remote shell unchanged', async () => {
      const r = await s.exec(['argv-hex', ...HOSTILE]);
      assert.equal(r.code, 0, r.stderr);
      const got = r.stdout
        .split('\n')
        .slice(0, HOSTILE.length)
        .map((h) => Buffer.from(h, 'hex').toString('utf8'));
      assert.deepEqual(got, HOSTILE);
      assert.ok(!fs.existsSync('/tmp/vmbk-pwned'));
    });

    it('a program name with metacharacters is quoted too (not run as shell code)', async () => {
      const r = await s.exec(['argv-hex; touch /tmp/vmbk-pwned']);
      assert.equal(r.code, 127);
      assert.ok(!fs.existsSync('/tmp/vmbk-pwned'));
    });

    it('returns stdout, stderr and the exit code; execOk names the program and the code', async () => {
      const r = await s.exec(['fail-with', '3', `x'y`]);
      assert.deepEqual([r.code, r.stdout, r.stderr], [3, '', `to stderr: x'y\n`]);
      await assert.rejects(s.execOk(['fail-with', '7', 'boom']), /fail-with exited with 7: to stderr: boom/);
      assert.equal((await s.exec(['true'])).code, 0);
    });

    it('reports the exit code of quick commands run at once (exit-status parsed with the channel confirmation)', async () => {
      const codes = Array.from({ length: 40 }, (_, i) => i % 7);
      const results = await Promise.all(codes.map((n) => s.exec(['sh', '-c', `exit ${n}`])));
      assert.deepEqual(
        results.map((r) => r.code),
        codes,
      );
    });

    it('passes stdin and closes it', async () => {
      const r = await s.exec(['cat'], { stdin: 'line1\nline2' });
      assert.equal(r.stdout, 'line1\nline2');
    });

    for (const [tool, what] of [
      ['sleeper', 'its children'],
      ['stubborn', 'a child that ignores TERM (the cancel ends once the KILL has)'],
    ] as const)
      it(`cancel kills the remote command and ${what}`, async () => {
        const pidFile = path.join(peer.files, `${tool}.pids`);
        const ac = new AbortController();
        const running = s.exec([tool, pidFile], { signal: ac.signal });
        let pids: number[] = [];
        for (let i = 0; i < 300 && pids.length < 2; i++) {
          await new Promise((r) => setTimeout(r, 100));
          if (fs.existsSync(pidFile))
            pids = fs
              .readFileSync(pidFile, 'utf8')
              .trim()
              .split(/\s+/)
              .map(Number)
              .filter((n) => n > 0);
        }
        assert.equal(pids.length, 2, 'the stub started');
        assert.ok(pids.every(alive));
        ac.abort();
        await assert.rejects(running, CancelledError);
        assert.deepEqual(
          pids.filter(alive).map((p) => fs.readFileSync(`/proc/${p}/stat`, 'utf8')),
          [],
          'the remote process group is gone',
        );
      });

    it('the idle limit ends a silent command', async () => {
      const pidFile = path.join(peer.files, 'idle.pids');
      const err = await s.exec(['sleeper', pidFile], { idleMs: 1500 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof IdleTimeoutError, String(err));
      const pids = fs.readFileSync(pidFile, 'utf8').trim().split(/\s+/).map(Number);
      assert.deepEqual(pids.filter(alive), []);
    });

    it('downloads over SFTP with the sha256 of the file, through a .part that is renamed', async () => {
      const name = `disk 'odd' $(x).img`;
      const src = path.join(peer.files, name);
      const size = 5 * 1024 * 1024 + 12345; // several slabs, a partial last read
      fs.writeFileSync(src, randomBytes(size));
      const want = createHash('sha256').update(fs.readFileSync(src)).digest('hex');
      const dest = path.join(tmp, 'disk.img');
      const progress: number[] = [];
      const w = await s.download(src, dest, { onProgress: (p) => progress.push(p.bytesDone) });
      assert.deepEqual([w.bytes, w.sha256], [size, want]);
      assert.equal(createHash('sha256').update(fs.readFileSync(dest)).digest('hex'), want);
      assert.ok(!fs.existsSync(dest + '.part'));
      assert.equal(progress[progress.length - 1], size);
    });

    it('an empty file downloads as an empty file', async () => {
      fs.writeFileSync(path.join(peer.files, 'empty'), '');
      const w = await s.download(path.join(peer.files, 'empty'), path.join(tmp, 'empty'));
      assert.equal(w.bytes, 0);
      assert.equal(w.sha256, createHash('sha256').digest('hex'));
    });

    it('a missing file fails naming host and path, and leaves no .part', async () => {
      const dest = path.join(tmp, 'missing.img');
      await assert.rejects(s.download(path.join(peer.files, 'nope.img'), dest), /host "127\.0\.0\.1:\d+".*nope\.img/);
      assert.deepEqual(
        fs.readdirSync(tmp).filter((f) => f.startsWith('missing')),
        [],
      );
    });

    it('a cancelled download leaves nothing, and the session still works', async () => {
      const src = path.join(peer.files, 'big.img');
      fs.writeFileSync(src, Buffer.alloc(64 * 1024 * 1024, 7));
      const dest = path.join(tmp, 'big.img');
      const ac = new AbortController();
      const p = s.download(src, dest, {
        signal: ac.signal,
        onProgress: (pr) => {
          if (pr.bytesDone > 0) ac.abort();
        },
      });
      await assert.rejects(p, CancelledError);
      assert.deepEqual(
        fs.readdirSync(tmp).filter((f) => f.startsWith('big')),
        [],
      );
      assert.equal((await s.exec(['true'])).code, 0);
    });
  });

  it("shellQuote: single quotes, a quote written as '\\'', NUL refused", () => {
    assert.equal(shellQuote(`a'b`), `'a'\\''b'`);
    assert.equal(shellQuote(''), `''`);
    assert.throws(() => shellQuote('a\0b'), /NUL/);
  });
});
