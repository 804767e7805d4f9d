// npm run bench:sftp: copying a disk image from a real OpenSSH server (the OVM backup's read leg, SshSession.download:
// .part, sha256 while streaming, fsync, rename) against OpenSSH's own `scp` and `sftp` from the same sshd, in the same
// run, rounds interleaved. Also the download's pipeline (read size × reads in flight) at a few settings.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SshSession } from '../src/transport/ssh';
import { startSshdPeer } from '../test/peers/openssh/sshdPeer';
import { median, runMeasured, timed } from './measure';

const MIB = Number(process.env.BENCH_SFTP_MIB ?? 1024);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

async function main(): Promise<void> {
  const peer = await startSshdPeer();
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'vmbackup-bench-sftp-'));
  try {
    const image = path.join(peer.files, 'disk.img');
    execFileSync('sh', ['-c', `head -c ${MIB}M /dev/urandom > "$1"`, 'sh', image]);
    const key = path.join(out, 'id');
    fs.writeFileSync(key, peer.privateKey, { mode: 0o600 });
    const ssh = [
      '-i',
      key,
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      'UserKnownHostsFile=/dev/null',
      '-o',
      'LogLevel=ERROR',
    ];
    const target = path.join(out, 'copy.img');
    const session = await SshSession.connect({
      host: peer.host,
      port: peer.port,
      username: peer.user,
      privateKey: peer.privateKey,
      hostKey: peer.hostKeyFingerprint,
    });
    const ours = (pipeline?: { chunk: number; depth: number }) => async () => {
      const r = await timed(() => session.download(image, target, { pipeline }));
      fs.rmSync(target);
      return r.seconds;
    };
    const cmd = (script: string, args: string[]) => async () => {
      const r = await runMeasured(`${script}; rc=$?; rm -f "$1"; [ $rc = 0 ]`, args);
      return r.seconds;
    };
    const q = (a: string[]) => a.map((x) => `'${x}'`).join(' ');
    const cases: Record<string, () => Promise<number>> = {
      'SshSession.download (64 KiB × 128, sha256 + fsync)': ours(),
      'SshSession.download (32 KiB × 256)': ours({ chunk: 32 * 1024, depth: 256 }),
      'SshSession.download (255 KiB × 32)': ours({ chunk: 255 * 1024, depth: 32 }),
      'scp -q': cmd(`scp -q -P ${peer.port} ${q(ssh)} "$2" "$1"`, [target, `${peer.user}@${peer.host}:${image}`]),
      'scp -q + sync': cmd(`scp -q -P ${peer.port} ${q(ssh)} "$2" "$1" && sync "$1"`, [
        target,
        `${peer.user}@${peer.host}:${image}`,
      ]),
      'sftp get': cmd(`echo "get $3 $1" | sftp -q -b - -P ${peer.port} ${q(ssh)} "$2" >/dev/null`, [
        target,
        `${peer.user}@${peer.host}`,
        image,
      ]),
    };
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
    for (let r = 0; r < ROUNDS; r++) {
      // Each round in another order, so no case always follows the same one.
      const names = Object.keys(cases);
      const order = names.map((_, i) => names[(i + r) % names.length]);
      for (const name of order) times[name].push(await cases[name]());
    }
    await session.close();
    const rate = (s: number) => MIB / s;
    const base = median(times['scp -q'].map(rate));
    console.log(
      `\nSFTP copy of a ${MIB} MiB disk image from OpenSSH on loopback, ${ROUNDS} rounds (median MiB/s, rounds):`,
    );
    for (const [name, ts] of Object.entries(times)) {
      const rates = ts.map(rate);
      console.log(
        `| ${name} | ${median(rates).toFixed(0)} MiB/s | ${(median(rates) / base).toFixed(2)} × scp | ${rates.map((x) => x.toFixed(0)).join(', ')} |`,
      );
    }
    console.log(
      `load average ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')} on ${os.cpus().length} CPUs`,
    );
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
    await peer.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
