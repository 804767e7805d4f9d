import { strict as assert } from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CancelledError, VendorError } from '../../src/core/errors';
import { JobContext } from '../../src/core/job';
import { downloadDatastoreFile, parseDatastorePath, readVmFiles } from '../../src/providers/vmware/vmwareFiles';
import { readInventory } from '../../src/providers/vmware/vmwareInventory';
import { VsphereInventory } from '../../src/providers/vmware/vmwareRecords';
import { VmwareFixture, vcsimSuite } from './vmwareFixture';
import { tempDir } from '../tempDir';

const ctx = (
  signal = new AbortController().signal,
  onProgress: (fraction?: number) => void = () => undefined,
): JobContext => ({
  signal,
  log: () => undefined,
  progress: (p) => onProgress(p.fraction ?? (p.bytesTotal ? p.bytesDone / p.bytesTotal : undefined)),
});
const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('vSphere datastore files: /folder downloads (vcsim)', function () {
  const fixture = vcsimSuite(this);
  let f: VmwareFixture;
  let inv: VsphereInventory;
  let out: string;
  let dsDir: string;
  before(async () => {
    f = fixture();
    inv = await readInventory(f.client);
    dsDir = inv.datastores[0].url!; // vcsim's datastore is a local directory (its summary.url)
    out = tempDir('vmbackup-vmware-files-');
  });
  after(() => {
    fs.rmSync(out, { recursive: true, force: true });
  });

  it("lists the VM's files and downloads its .vmx byte for byte", async () => {
    const vm = inv.vms.find((v) => v.name === 'DC0_H0_VM0')!;
    const { vmx, files } = await readVmFiles(f.client, vm.id);
    assert.equal(vmx, '[LocalDS_0] DC0_H0_VM0/DC0_H0_VM0.vmx');
    assert.ok(files.some((x) => x.type === 'diskDescriptor') && files.some((x) => x.type === 'config'));
    const written = await downloadDatastoreFile(f.client, 'DC0', parseDatastorePath(vmx), out, ctx());
    assert.equal(written.path, path.join(out, 'DC0_H0_VM0.vmx'));
    const original = path.join(dsDir, 'DC0_H0_VM0', 'DC0_H0_VM0.vmx');
    assert.equal(written.sha256, sha256(original));
    assert.equal(sha256(written.path), written.sha256);
  });

  it('downloads a disk extent of several MiB whole, with its hash taken while streaming and progress to 1', async () => {
    fs.writeFileSync(path.join(dsDir, 'DC0_H0_VM0', 'data-flat.vmdk'), randomBytes(5 << 20));
    const seen: number[] = [];
    const written = await downloadDatastoreFile(
      f.client,
      'DC0',
      { datastore: 'LocalDS_0', path: 'DC0_H0_VM0/data-flat.vmdk' },
      out,
      ctx(undefined, (x) => {
        if (x !== undefined) seen.push(x);
      }),
    );
    assert.equal(written.bytes, 5 << 20);
    assert.equal(written.sha256, sha256(path.join(dsDir, 'DC0_H0_VM0', 'data-flat.vmdk')));
    assert.equal(seen[seen.length - 1], 1);
    assert.ok(!fs.existsSync(written.path + '.part'));
  });

  it('a cancel mid-stream leaves neither the file nor a .part', async () => {
    fs.writeFileSync(path.join(dsDir, 'DC0_H0_VM0', 'big-flat.vmdk'), randomBytes(48 << 20));
    const ac = new AbortController();
    const seen: number[] = [];
    const err = await downloadDatastoreFile(
      f.client,
      'DC0',
      { datastore: 'LocalDS_0', path: 'DC0_H0_VM0/big-flat.vmdk' },
      out,
      ctx(ac.signal, (fr) => {
        if (fr !== undefined) {
          seen.push(fr);
          if (fr > 0 && fr < 1) ac.abort();
        }
      }),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof CancelledError || (err as Error)?.name === 'AbortError', String(err));
    assert.ok(
      seen.some((x) => x > 0 && x < 1),
      'progress was reported before the cancel',
    );
    assert.deepEqual(
      fs.readdirSync(out).filter((n) => n.startsWith('big-flat')),
      [],
    );
  });

  it('a missing file is HTTP_404 naming the datastore path, and nothing is left', async () => {
    const err = await downloadDatastoreFile(
      f.client,
      'DC0',
      { datastore: 'LocalDS_0', path: 'DC0_H0_VM0/nope.vmdk' },
      out,
      ctx(),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof VendorError && err.code === 'HTTP_404', String(err));
    assert.deepEqual(err.params, ['[LocalDS_0] DC0_H0_VM0/nope.vmdk']);
    assert.deepEqual(
      fs.readdirSync(out).filter((n) => n.startsWith('nope')),
      [],
    );
  });

  it('refuses datastore paths that climb, are absolute or carry control characters', () => {
    assert.deepEqual(parseDatastorePath('[LocalDS_0] vm/disk1.vmdk'), {
      datastore: 'LocalDS_0',
      path: 'vm/disk1.vmdk',
    });
    for (const bad of ['[ds] ../etc/passwd', '[ds] /etc/passwd', '[ds] vm/\u0000x', 'no brackets', '[ds] vm/./x']) {
      assert.throws(() => parseDatastorePath(bad), /MALFORMED_REPLY/, bad);
    }
  });
});
