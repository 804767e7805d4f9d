import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Receiving, receiveVerified } from '../../../src/core/verifiedWrite';
import { BackupRepository } from '../../../src/core/repository';
import { TOOL } from '../../../src/core/manifest';
import { xvaCheck } from '../../../src/core/xvaStreamCheck';
import { loadXxh64, sampleXva } from './xvaSample';
import { tempDir } from '../../tempDir';

function tmp(): string {
  return tempDir('repo-');
}
function chunks(n: number, size = 65536): Buffer[] {
  return Array.from({ length: n }, (_, i) => Buffer.alloc(size, i + 1));
}

/** A reader as rawGet is one: copies each chunk into the sink's space and honours its backpressure. */
function feed(parts: Buffer[], opts: { failAfter?: number } = {}): (r: Receiving) => Promise<void> {
  return async ({ sink }) => {
    let sent = 0;
    for (let part of parts) {
      while (part.length > 0) {
        if (opts.failAfter !== undefined && sent >= opts.failAfter)
          throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
        const space = sink.space();
        const k = Math.min(space.length, part.length);
        part.copy(space, 0, 0, k);
        part = part.subarray(k);
        sent += k;
        await sink.commit(k);
      }
    }
  };
}

describe('receiveVerified', () => {
  it('writes via .part, hashes while receiving, renames at the end', async () => {
    const dir = tmp();
    const parts = chunks(40);
    const f = await receiveVerified(path.join(dir, 'a.xva'), {}, feed(parts));
    assert.equal(f.bytes, 40 * 65536);
    assert.equal(f.sha256, createHash('sha256').update(fs.readFileSync(f.path)).digest('hex'));
    assert.ok(fs.readFileSync(f.path).equals(Buffer.concat(parts)));
    assert.deepEqual(fs.readdirSync(dir), ['a.xva']);
  });
  it('leaves nothing when the confirmation fails (the source task failed after the bytes)', async () => {
    const dir = tmp();
    await assert.rejects(
      receiveVerified(
        path.join(dir, 'b.xva'),
        {
          confirm: async () => {
            throw new Error('task failed');
          },
        },
        feed(chunks(3)),
      ),
      /task failed/,
    );
    assert.deepEqual(fs.readdirSync(dir), []);
  });
  it('leaves nothing when the transfer fails mid-stream (several slabs already written)', async () => {
    const dir = tmp();
    await assert.rejects(
      receiveVerified(path.join(dir, 'c.xva'), {}, feed(chunks(100), { failAfter: 3_500_000 })),
      /reset/,
    );
    assert.deepEqual(fs.readdirSync(dir), []);
  });
  it('leaves nothing when the content check fails (an XVA cut before its end-of-archive marker)', async () => {
    const dir = tmp();
    await loadXxh64();
    const xva = sampleXva();
    await assert.rejects(
      receiveVerified(
        path.join(dir, 'd.xva'),
        { check: await xvaCheck('/export') },
        feed([xva.subarray(0, xva.length - 1024)]),
      ),
      /\/export ended at byte \d+, before the end-of-archive marker/,
    );
    assert.deepEqual(fs.readdirSync(dir), []);
  });
  it('writes tiny chunks byte for byte and reports the last byte', async () => {
    const dir = tmp();
    const bytes = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 31) & 0xff));
    const seen: number[] = [];
    const tiny = Array.from({ length: bytes.length / 10 }, (_, i) => bytes.subarray(i * 10, i * 10 + 10));
    const f = await receiveVerified(path.join(dir, 'e.bin'), { onProgress: (p) => seen.push(p.bytesDone) }, feed(tiny));
    assert.ok(fs.readFileSync(f.path).equals(bytes));
    assert.equal(f.sha256, createHash('sha256').update(bytes).digest('hex'));
    assert.equal(seen[seen.length - 1], bytes.length);
  });
  it('refuses to overwrite a .part that is already there (another job writes it)', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'f.xva.part'), 'other job');
    await assert.rejects(receiveVerified(path.join(dir, 'f.xva'), {}, feed(chunks(1))), /EEXIST/);
  });
});

describe('BackupRepository', () => {
  it('lists our backups and foreign files, newest first, and verifies hashes', async () => {
    const root = tmp();
    const repo = new BackupRepository(root);
    const dir = repo.newBackupDir('../evil/$(vm)', 'vm');
    assert.ok(dir.startsWith(root + path.sep));
    await loadXxh64();
    const f = await receiveVerified(path.join(dir, 'vm.xva'), {}, feed([sampleXva()]));
    repo.writeManifest(dir, {
      format: 'vmbackup-manifest/1',
      kind: 'vm',
      platform: 'xen',
      created: '2026-01-02T00:00:00Z',
      tool: TOOL,
      source: { connection: 'lab', vm: { uuid: 'u1', name: 'evil' } },
      files: [{ name: 'vm.xva', bytes: f.bytes, sha256: f.sha256 }],
    });
    fs.writeFileSync(path.join(root, 'old-export.xva'), 'x');
    fs.utimesSync(path.join(root, 'old-export.xva'), new Date('2020-01-01'), new Date('2020-01-01'));
    fs.writeFileSync(path.join(root, 'half.xva.part'), 'x');
    const list = repo.list();
    assert.deepEqual(
      list.map((e) => e.kind),
      ['vm', 'foreign'],
    );
    assert.equal(list[0].vmUuid, 'u1');
    assert.deepEqual(await repo.verify(list[0]), { ok: true, problems: [] });
    fs.appendFileSync(path.join(dir, 'vm.xva'), 'tamper');
    const bad = await repo.verify(list[0]);
    assert.equal(bad.ok, false);
    assert.match(bad.problems[0], /bytes, manifest says/);
  });

  it('verify checks the XVA itself, not only the sha256 the manifest recorded (a backup stored damaged)', async () => {
    const root = tmp();
    const repo = new BackupRepository(root);
    await loadXxh64();
    for (const [name, body] of [
      ['flipped.xva', flipByte(sampleXva(), 5000)],
      ['gz.xva', gzipSync(sampleXva().subarray(0, 600_000))],
    ] as const) {
      const dir = repo.newBackupDir(name, 'vm');
      fs.writeFileSync(path.join(dir, name), body);
      // The manifest agrees with the file: it was written from the same (bad) bytes.
      repo.writeManifest(dir, {
        format: 'vmbackup-manifest/1',
        kind: 'vm',
        platform: 'xen',
        created: '2026-01-02T00:00:00Z',
        tool: TOOL,
        source: { connection: 'lab', vm: { uuid: 'u1', name } },
        files: [{ name, bytes: body.length, sha256: createHash('sha256').update(body).digest('hex') }],
      });
    }
    const results = await Promise.all(repo.list().map(async (e) => [e.vmName, await repo.verify(e)] as const));
    const byName = Object.fromEntries(results);
    assert.equal(byName['flipped.xva'].ok, false);
    assert.deepEqual(byName['flipped.xva'].problems.length, 1, 'the manifest agrees: only the content check finds it');
    assert.match(byName['flipped.xva'].problems[0], /^flipped\.xva: flipped\.xva: Ref:1\/00000000: checksum mismatch/);
    assert.equal(byName['gz.xva'].ok, false);
    assert.match(byName['gz.xva'].problems[0], /gz\.xva: gz\.xva ended at byte 600000, inside Ref:\d\/\d+/);
    // Damaged after it was stored: both the manifest's hash and the content check say so.
    const good = sampleXva();
    const dir = repo.newBackupDir('later', 'vm');
    fs.writeFileSync(path.join(dir, 'later.xva'), flipByte(good, 3000));
    repo.writeManifest(dir, {
      format: 'vmbackup-manifest/1',
      kind: 'vm',
      platform: 'xen',
      created: '2026-01-03T00:00:00Z',
      tool: TOOL,
      source: { connection: 'lab', vm: { uuid: 'u2', name: 'later' } },
      files: [{ name: 'later.xva', bytes: good.length, sha256: createHash('sha256').update(good).digest('hex') }],
    });
    const later = await repo.verify(repo.entry(dir)!);
    assert.equal(later.problems[0], 'later.xva: sha256 differs from manifest');
    assert.match(later.problems[1], /^later\.xva: later\.xva: Ref:1\/00000000: checksum mismatch/);
  });
});

function flipByte(b: Buffer, at: number): Buffer {
  const c = Buffer.from(b);
  c[at] ^= 0x40;
  return c;
}

describe('BackupRepository: VCB full-VM export directories', () => {
  function vcbDir(root: string, rel: string, files: Record<string, string>): string {
    const dir = path.join(root, rel);
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    return dir;
  }

  it('lists a directory with a catalog and the .vmx/.vmdk files as one vcb entry named after config.vmx', () => {
    const root = tmp();
    const files = {
      catalog:
        'config.vmx= "[storage1] vm37/vm37.vmx"\nhost=esx1.example.com\nresourcepool= "/ha-folder-root/ha-datacenter/host/esx1.example.com/Resources"\n',
      'vm37.vmx': 'displayName = "vm37"\n',
      'scsi0-0-0-vm37.vmdk': 'x'.repeat(1000),
      'vm37.nvram': 'n',
    };
    const dir = vcbDir(root, 'vcb/vm37-export', files);
    const list = new BackupRepository(root).list();
    assert.equal(list.length, 1);
    const [e] = list;
    assert.equal(e.kind, 'vcb');
    assert.equal(e.label, 'vm37');
    assert.equal(e.vmName, 'vm37');
    assert.equal(e.id, path.join('vcb', 'vm37-export'));
    assert.equal(e.catalogFile, path.join(dir, 'catalog'));
    assert.deepEqual(
      e.files.map((f) => [f.name, f.bytes]).sort(),
      Object.entries(files)
        .map(([n, t]) => [n, Buffer.byteLength(t)])
        .sort(),
    );
    assert.equal(e.manifest, undefined);
  });

  it('falls back to the .vmx file name when the catalog has no config.vmx', () => {
    const root = tmp();
    vcbDir(root, 'b', { catalog: 'host=esx1\n', 'web-01.vmx': '', 'web-01.vmdk': '' });
    assert.equal(new BackupRepository(root).list()[0].label, 'web-01');
  });

  it('a file named catalog without VM files is not a VCB backup; VCB entries sit beside ours and foreign files', () => {
    const root = tmp();
    vcbDir(root, 'notes', { catalog: 'config.vmx= "[a] b/b.vmx"\n' });
    vcbDir(root, 'vcb/db', { catalog: 'config.vmx= "[a] db/db.vmx"\n', 'db.vmdk': '' });
    fs.writeFileSync(path.join(root, 'old.xva'), 'xva');
    const kinds = new BackupRepository(root)
      .list()
      .map((e) => `${e.kind}:${e.label}`)
      .sort();
    assert.deepEqual(kinds, ['foreign:old.xva', 'vcb:db']);
  });
});
