// OvaStreamCheck: an OVA's tar layout, member names and .mf digests checked as its bytes pass (DSP0243 §5.3).
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import * as tar from 'tar-stream';
import { VendorError } from '../../../src/core/errors';
import { OvaStreamCheck } from '../../../src/providers/oraclevm/ovaStreamCheck';

type Member = { name: string; body?: string; type?: 'file' | 'symlink'; linkname?: string };

/** A tar of `members` (tar-stream's packer), as one buffer. */
async function tarOf(members: Member[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const c of pack) chunks.push(c as Buffer);
  })();
  for (const m of members)
    await new Promise<void>((res, rej) =>
      m.type === 'symlink'
        ? pack.entry({ name: m.name, type: 'symlink', linkname: m.linkname ?? 'x' }, (e) => (e ? rej(e) : res()))
        : pack.entry({ name: m.name }, m.body ?? '', (e) => (e ? rej(e) : res())),
    );
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

/** Feeds `bytes` in small chunks (each then overwritten, as the slab writer reuses its memory); the check's verdict. */
async function check(bytes: Buffer): Promise<{ error?: VendorError; check: OvaStreamCheck }> {
  const c = new OvaStreamCheck('a.ova');
  try {
    for (let i = 0; i < bytes.length; i += 700) {
      const chunk = Buffer.from(bytes.subarray(i, i + 700));
      await c.update(chunk);
      chunk.fill(0);
    }
    await c.end();
    return { check: c };
  } catch (e) {
    return { error: e as VendorError, check: c };
  }
}

describe('OvaStreamCheck (DSP0243 §5.3)', () => {
  const ovf = '<Envelope/>';
  const disk = 'disk bytes '.repeat(500);

  it('a good OVA: .ovf first, SHA256 and SHA1 lines of the .mf verified', async () => {
    const mf = `SHA256(a.ovf)= ${sha256(ovf)}\nSHA1(a-disk0.img)= ${sha1(disk)}\n`;
    const r = await check(
      await tarOf([
        { name: 'a.ovf', body: ovf },
        { name: 'a.mf', body: mf },
        { name: 'a-disk0.img', body: disk },
      ]),
    );
    assert.equal(r.error, undefined, String(r.error));
    assert.deepEqual(r.check.summary(), {
      members: ['a.ovf', 'a.mf', 'a-disk0.img'],
      manifest: { name: 'a.mf', verified: 2 },
    });
  });

  const refused: Array<[string, Member[], RegExp]> = [
    [
      'a first member that is not the .ovf',
      [{ name: 'a-disk0.img', body: disk }],
      /first member is "a-disk0\.img", not the \.ovf/,
    ],
    [
      'a traversal name',
      [
        { name: 'a.ovf', body: ovf },
        { name: '../../etc/x', body: 'x' },
      ],
      /member "\.\.\/\.\.\/etc\/x" is not a plain file name/,
    ],
    [
      'a control character',
      [
        { name: 'a.ovf', body: ovf },
        { name: 'a\nb.img', body: 'x' },
      ],
      /member "a\\u000ab\.img" is not a plain file name/,
    ],
    [
      'a symbolic link',
      [
        { name: 'a.ovf', body: ovf },
        { name: 'l.img', type: 'symlink', linkname: '/etc/passwd' },
      ],
      /member "l\.img" is a symlink/,
    ],
    [
      'a member that does not match its line',
      [
        { name: 'a.ovf', body: ovf },
        { name: 'a.mf', body: `SHA256(a-disk0.img)= ${sha256('other')}\n` },
        { name: 'a-disk0.img', body: disk },
      ],
      /member "a-disk0\.img" does not match its SHA256 digest in "a\.mf"/,
    ],
    [
      'a manifest that is not right after the descriptor',
      [
        { name: 'a.ovf', body: ovf },
        { name: 'a-disk0.img', body: disk },
        { name: 'a.mf', body: `SHA256(a-disk0.img)= ${sha256(disk)}\n` },
      ],
      /manifest "a\.mf" is not the member right after the descriptor/,
    ],
    [
      'a line naming a member that is absent',
      [
        { name: 'a.ovf', body: ovf },
        { name: 'a.mf', body: `SHA256(gone.img)= ${sha256('x')}\n` },
      ],
      /lists "gone\.img", which is not in the archive/,
    ],
    [
      'a malformed .mf line',
      [
        { name: 'a.ovf', body: ovf },
        { name: 'a.mf', body: 'MD5(a.ovf)= 00\n' },
      ],
      /not "SHA256\(file\)= hex"/,
    ],
  ];
  for (const [what, members, message] of refused)
    it(`refused: ${what} (OVA_INVALID naming it)`, async () => {
      const r = await check(await tarOf(members));
      assert.ok(r.error instanceof VendorError && r.error.code === 'OVA_INVALID', String(r.error));
      assert.match(r.error.message, message);
    });

  it('refused: a cut archive (the tar ends mid-member)', async () => {
    const whole = await tarOf([
      { name: 'a.ovf', body: ovf },
      { name: 'a-disk0.img', body: disk },
    ]);
    const r = await check(whole.subarray(0, 1500));
    assert.ok(r.error, 'a truncated tar fails');
  });
});
