import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import http from 'node:http';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import xxhash from 'xxhash-wasm';
import { startXapiLab, XapiLab } from '../lab/xapi';
import { req, rpc } from './labHttp';
import { parseOvaXml, readXva } from './xvaReader';
import { tempDir } from '../tempDir';

const run = promisify(execFile);
const MiB = 1024 * 1024;
/** 5.5 MiB: the last chunk holds half a MiB. */
const DISK = 5 * MiB + MiB / 2;

/** The lab's XVA export, import and pool data plane read by tools that are not the lab's (system tar, tar-stream). */
describe('XAPI lab: XVA export and import as xapi writes and reads them', function () {
  this.timeout(60_000);
  let lab: XapiLab;
  let sid: string;
  let tmp: string;
  beforeEach(async () => {
    lab = await startXapiLab({ taskStepMs: 5, diskBytes: DISK });
    sid = (await rpc(lab, 'session.login_with_password', ['root', 'lab-secret'])).result;
    tmp = tempDir('xva-');
  });
  afterEach(async () => {
    await lab.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const vmWhere = (pred: (v: Record<string, any>) => boolean) =>
    [...lab.store.table('VM')].find(
      ([, v]) => !v.is_control_domain && !v.is_a_template && !v.is_a_snapshot && pred(v),
    )!;
  const get = (p: string) => req(lab, 'GET', `${p}${p.includes('?') ? '&' : '?'}session_id=${sid}`);
  const task = async (r: { headers: http.IncomingHttpHeaders }) =>
    (await rpc(lab, 'task.get_record', [sid, String(r.headers['task-id'])])).result;
  const settled = async (r: { headers: http.IncomingHttpHeaders }) => {
    for (let i = 0; i < 200; i++) {
      const t = await task(r);
      if (t.status !== 'pending') return t;
      await new Promise((x) => setTimeout(x, 20));
    }
    throw new Error('task still pending');
  };
  const rawSha = async (vdi: string) =>
    createHash('sha256')
      .update((await get(`/export_raw_vdi?vdi=${vdi}&format=raw`)).body)
      .digest('hex');
  const firstDiskVdi = (vmRef: string) => lab.store.must('VBD', lab.store.must('VM', vmRef).VBDs[0]).VDI as string;

  it("system tar lists and extracts the export; every chunk's .xxhash matches; a pause in the source gives keep-alive entries; the last chunk is as long as its data", async () => {
    const [ref] = vmWhere((v) => v.power_state === 'Halted');
    lab.faults.exportKeepAliveMs = 100;
    lab.faults.pauseExport = { atChunk: 2, ms: 400 };
    const r = await get(`/export?ref=${ref}`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-length'], undefined);
    assert.equal((await settled(r)).status, 'success');
    const file = path.join(tmp, 'vm.xva');
    fs.writeFileSync(file, r.body);

    const { stdout } = await run('tar', ['-tvf', file]);
    const listed = stdout
      .trim()
      .split('\n')
      .map((l) => {
        const f = l.trim().split(/\s+/);
        return { size: Number(f[2]), name: f.slice(5).join(' ') };
      });
    assert.equal(listed[0].name, 'ova.xml');
    const chunks = listed.filter((e) => /^Ref:\d+\/\d{8}$/.test(e.name));
    assert.ok(chunks.length >= 2);
    for (const c of chunks)
      assert.ok(
        listed.some((e) => e.name === `${c.name}.xxhash` && e.size === 16),
        `${c.name} has its sidecar`,
      );
    assert.ok(
      chunks.some((c) => c.size === 0),
      'a zero-length keep-alive entry after the pause',
    );

    const out = path.join(tmp, 'x');
    fs.mkdirSync(out);
    await run('tar', ['-xf', file, '-C', out]);
    const h = await xxhash();
    for (const c of chunks) {
      const data = fs.readFileSync(path.join(out, c.name));
      assert.equal(
        fs.readFileSync(path.join(out, `${c.name}.xxhash`), 'ascii'),
        h.h64Raw(data).toString(16).toUpperCase().padStart(16, '0'),
        c.name,
      );
    }

    const xva = await readXva(Readable.from(r.body));
    const vbd = xva.ova.objects.find((o) => o.class === 'VBD' && o.snapshot.type === 'Disk')!;
    const disk = xva.disks.get(String(vbd.snapshot.VDI))!;
    assert.equal(disk.bytes, DISK, 'rebuilt in order, keep-alives adding nothing, gaps as zero chunks');
    assert.equal(disk.lastChunkBytes, MiB / 2);
    assert.ok(disk.keepAlives >= 1);
    assert.deepEqual(disk.badSidecars, []);
    assert.equal(disk.sha256, await rawSha(firstDiskVdi(ref)), 'the same bytes as /export_raw_vdi');
  });

  it('writes an exported snapshot as xapi does: is_a_snapshot=false, snapshot links cleared, is_a_template kept; refs are Ref:N or NULL; ints as XML-RPC strings', async () => {
    const [vmRef] = vmWhere((v) => v.power_state === 'Running');
    const snap = (await rpc(lab, 'VM.snapshot', [sid, vmRef, 'nightly'])).result as string;
    const r = await get(`/export?ref=${snap}`);
    const xml = (await readXva(Readable.from(r.body))).entries[0].text!;
    const { objects } = parseOvaXml(xml);
    const vm = objects.find((o) => o.class === 'VM')!.snapshot;
    assert.equal(vm.is_a_snapshot, false);
    assert.equal(vm.is_a_template, true);
    assert.equal(vm.snapshot_of, 'OpaqueRef:NULL');
    assert.equal(vm.parent, 'OpaqueRef:NULL');
    assert.deepEqual(vm.snapshots, []);
    assert.equal(vm.power_state, 'Halted');
    const ids = new Set(objects.map((o) => o.id));
    const refs = JSON.stringify(objects).match(/OpaqueRef:[^"\\]+|Ref:\d+/g) ?? [];
    for (const x of refs) assert.ok(x === 'OpaqueRef:NULL' || ids.has(x), `${x} is exported or NULL`);
    assert.match(xml, /<name>memory_static_max<\/name><value>\d+<\/value>/);
    assert.match(xml, /<name>is_a_template<\/name><value><boolean>1<\/boolean><\/value>/);
    assert.doesNotMatch(xml, /<i4>|<int>/);
    assert.match(
      xml,
      /<name>snapshot_time<\/name><value><dateTime\.iso8601>19700101T00:00:00Z<\/dateTime\.iso8601><\/value>/,
    );
  });

  it("keeps a suspended VM's memory only with preserve_power_state=true", async () => {
    const [ref] = vmWhere((v) => v.power_state === 'Suspended');
    const plain = parseOvaXml((await readXva(Readable.from((await get(`/export?ref=${ref}`)).body))).entries[0].text!);
    const vm = plain.objects.find((o) => o.class === 'VM')!.snapshot;
    assert.equal(vm.power_state, 'Halted');
    assert.equal(vm.suspend_VDI, 'OpaqueRef:NULL');
    const kept = await readXva(Readable.from((await get(`/export?ref=${ref}&preserve_power_state=true`)).body));
    const vm2 = kept.ova.objects.find((o) => o.class === 'VM')!.snapshot;
    assert.equal(vm2.power_state, 'Suspended');
    assert.ok(kept.disks.has(String(vm2.suspend_VDI)), 'the suspend image travels as a disk');
  });

  it('compresses with use_compression=zstd and =true (gzip)', async () => {
    const [ref] = vmWhere((v) => v.power_state === 'Halted');
    const z = await get(`/export?ref=${ref}&use_compression=zstd`);
    assert.deepEqual([...z.body.subarray(0, 4)], [0x28, 0xb5, 0x2f, 0xfd], 'zstd frame magic');

    const { ZstdCodec } = require('zstd-codec');
    const plain: Buffer = await new Promise((resolve) =>
      ZstdCodec.run((m: any) => resolve(Buffer.from(new m.Streaming().decompress(z.body)))),
    );
    const fromZstd = await readXva(Readable.from(plain));
    const g = await get(`/export?ref=${ref}&use_compression=true`);
    const fromGzip = await readXva(Readable.from(gunzipSync(g.body)));
    const sha = (x: typeof fromZstd) => [...x.disks.values()].map((d) => d.sha256).sort();
    assert.deepEqual(sha(fromZstd), sha(fromGzip));
    assert.equal(fromZstd.entries[0].name, 'ova.xml');
  });

  it("/export_metadata: all=true leaves default templates out and keeps snapshot metadata; a snapshot's metadata exports", async () => {
    const all = await get('/export_metadata?all=true');
    assert.equal(all.status, 200);
    assert.equal(Number(all.headers['content-length']), all.body.length);
    const { objects } = parseOvaXml((await readXva(Readable.from(all.body))).entries[0].text!);
    const vms = objects.filter((o) => o.class === 'VM').map((o) => o.snapshot);
    assert.ok(!vms.some((v) => v.is_default_template === true), 'no default template');
    assert.ok(
      vms.some((v) => v.is_a_snapshot === true && String(v.snapshot_of).startsWith('Ref:')),
      'snapshots keep their metadata',
    );
    const snap = [...lab.store.table('VM')].find(([, v]) => v.is_a_snapshot)![0];
    assert.equal((await get(`/export_metadata?ref=${snap}`)).status, 200);
  });

  it('/export_raw_vdi serves raw and tar, refuses an unknown format (404, task failed)', async () => {
    const [ref] = vmWhere((v) => v.power_state === 'Halted');
    const vdi = firstDiskVdi(ref);
    const raw = await get(`/export_raw_vdi?vdi=${lab.store.must('VDI', vdi).uuid}`);
    assert.equal(raw.body.length, DISK);
    assert.equal(raw.headers['content-type'], 'application/octet-stream');
    const t = await get(`/export_raw_vdi?vdi=${vdi}&format=tar`);
    assert.equal(t.headers['content-type'], 'application/x-tar');
    assert.match(String(t.headers['content-disposition']), /\.tar"/);
    const bad = await get(`/export_raw_vdi?vdi=${vdi}&format=iso`);
    assert.equal(bad.status, 404);
    assert.deepEqual((await task(bad)).error_info, ['INTERNAL_ERROR', 'Unknown format iso']);
  });

  describe('import', () => {
    const exportOf = async (ref: string) => (await get(`/export?ref=${ref}`)).body;
    const put = (body: Buffer, query = '', headers: Record<string, string> = {}) =>
      req(lab, 'PUT', `/import?session_id=${sid}${query}`, body, { 'content-length': String(body.length), ...headers });
    const resultRef = (t: { result: string }) => /OpaqueRef:[0-9a-f-]+/.exec(t.result)![0];

    it('creates what ova.xml says: a snapshot export comes back a template with new MACs; the disk bytes and keep-alive entries survive', async () => {
      const [vmRef, vm] = vmWhere((v) => v.power_state === 'Running');
      const snap = (await rpc(lab, 'VM.snapshot', [sid, vmRef, 'nightly'])).result as string;
      lab.faults.exportKeepAliveMs = 50;
      lab.faults.pauseExport = { atChunk: 1, ms: 200 };
      const t = await settled(await put(await exportOf(snap)));
      assert.equal(t.status, 'success', JSON.stringify(t.error_info));
      const got = lab.store.must('VM', resultRef(t));
      assert.equal(got.is_a_template, true, 'a template stays a template');
      assert.equal(got.name_label, 'nightly');
      const mac = (r: string) => lab.store.must('VIF', lab.store.must('VM', r).VIFs[0]).MAC;
      assert.notEqual(mac(resultRef(t)), mac(vmRef));
      assert.equal(await rawSha(firstDiskVdi(resultRef(t))), await rawSha(firstDiskVdi(vmRef)));
      void vm;
    });

    it('restore=true is the full restore: VM_TO_IMPORT_IS_NOT_NEWER_VERSION next to a halted original of the same version, force replaces it keeping uuid and MACs (version+1); VM_BAD_POWER_STATE next to a running one', async () => {
      const [halted, hv] = vmWhere((v) => v.power_state === 'Halted');
      const macBefore = lab.store.must('VIF', hv.VIFs[0]).MAC;
      const xva = await exportOf(halted);
      const same = await settled(await put(xva, '&restore=true'));
      assert.equal(same.status, 'failure');
      assert.deepEqual(same.error_info, ['VM_TO_IMPORT_IS_NOT_NEWER_VERSION', halted, '0', '0']);
      const forced = await settled(await put(xva, '&restore=true&force=true'));
      assert.equal(forced.status, 'success');
      const back = lab.store.must('VM', resultRef(forced));
      assert.equal(back.uuid, hv.uuid);
      assert.equal(back.version, 1);
      assert.equal(lab.store.must('VIF', back.VIFs[0]).MAC, macBefore);
      assert.equal(lab.store.get('VM', halted), undefined, 'the original record was replaced');

      const [running] = vmWhere((v) => v.power_state === 'Running');
      const snapXva = await exportOf((await rpc(lab, 'VM.snapshot', [sid, running, 's'])).result);
      const ova = parseOvaXml((await readXva(Readable.from(snapXva))).entries[0].text!);
      const snapUuid = String(ova.objects.find((o) => o.class === 'VM')!.snapshot.uuid);
      lab.store.must('VM', running).uuid = snapUuid; // an original of that uuid, running
      const bad = await settled(await put(snapXva, '&restore=true'));
      assert.deepEqual(bad.error_info, ['VM_BAD_POWER_STATE', running, 'Halted', 'Running']);
    });

    it('sr_uuid picks the SR; an ISO SR is refused (400, task failed); chunked is refused (403, task failed); a cut body is IMPORT_ERROR_PREMATURE_EOF', async () => {
      const [ref] = vmWhere((v) => v.power_state === 'Halted');
      const xva = await exportOf(ref);
      const [nfsRef, nfs] = [...lab.store.table('SR')].find(([, s]) => s.type === 'nfs')!;
      const ok = await settled(await put(xva, `&sr_uuid=${nfs.uuid}`));
      assert.equal(ok.status, 'success');
      assert.equal(lab.store.must('VDI', firstDiskVdi(resultRef(ok))).SR, nfsRef);
      const iso = [...lab.store.table('SR')].find(([, s]) => s.content_type === 'iso')![0];
      const refused = await put(xva, `&sr_id=${iso}`);
      assert.equal(refused.status, 400);
      assert.deepEqual((await task(refused)).error_info, ['SR_OPERATION_NOT_SUPPORTED']);
      const chunked = await new Promise<http.IncomingMessage>((resolve, reject) => {
        const r = http.request(
          `${lab.url}/import?session_id=${sid}`,
          { method: 'PUT', headers: { 'transfer-encoding': 'chunked' } },
          resolve,
        );
        r.on('error', reject);
        r.end('abc');
      });
      chunked.resume();
      assert.equal(chunked.statusCode, 403);
      assert.deepEqual((await task(chunked)).error_info, ['IMPORT_ERROR_CANNOT_HANDLE_CHUNKED']);
      const cut = await settled(await put(xva.subarray(0, xva.length - 3 * 1024 * 1024)));
      assert.deepEqual(cut.error_info, ['IMPORT_ERROR_PREMATURE_EOF']);
    });

    it('sends the reply head (200, task-id) before the body is read', async () => {
      const head = await new Promise<http.IncomingMessage>((resolve, reject) => {
        const r = http.request(
          `${lab.url}/import?session_id=${sid}`,
          { method: 'PUT', headers: { 'content-length': '4096' } },
          resolve,
        );
        r.on('error', () => undefined);
        r.flushHeaders();
        setTimeout(() => reject(new Error('no head before the body')), 5000).unref();
      });
      assert.equal(head.statusCode, 200);
      assert.match(String(head.headers['task-id']), /^OpaqueRef:/);
      head.destroy();
    });

    it('matches VIFs to networks by name, then by bridge, else creates the network', async () => {
      const [ref] = vmWhere((v) => v.power_state === 'Halted');
      const xva = await exportOf(ref);
      const [netRef, net] = [...lab.store.table('network')][0];
      const netOf = (t: { result: string }) =>
        lab.store.must('VIF', lab.store.must('VM', resultRef(t)).VIFs[0]).network;
      assert.equal(netOf(await settled(await put(xva))), netRef, 'by name');
      net.name_label = 'renamed';
      assert.equal(netOf(await settled(await put(xva))), netRef, 'by bridge');
      net.bridge = 'xenbr9';
      const fresh = netOf(await settled(await put(xva)));
      assert.notEqual(fresh, netRef, 'a new network');
      assert.equal(lab.store.must('network', fresh).name_label, 'Pool-wide network associated with eth0');
    });
  });
});
