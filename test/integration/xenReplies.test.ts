import { strict as assert } from 'node:assert';
import { Fixture, LAB_PASSWORD, ctx, startFixture } from './labFixture';
import { startRpcRewriter } from './rpcRewriter';
import { XenProvider } from '../../src/providers/xen/xenProvider';

describe('XAPI replies of the wrong type give one error naming the method, the field, the connection and the VM', function () {
  this.timeout(60_000);
  let f: Fixture;
  let front: Awaited<ReturnType<typeof startRpcRewriter>>;
  let p: XenProvider;
  beforeEach(async () => {
    f = await startFixture();
    front = await startRpcRewriter(f.lab.url);
    p = new XenProvider(
      { name: 'lab', platform: 'xen', url: front.url, username: 'root', maxRetries: 0 },
      { password: LAB_PASSWORD },
    );
    await p.connect();
  });
  afterEach(async () => {
    await p.disconnect();
    await f.provider.disconnect();
    await front.close();
    await f.lab.close();
  });

  const noInternals = (e: Error) =>
    !/Cannot read properties|undefined is not|\[object Object\]|is not a function|TypeError/.test(e.message);

  it('a null record inside get_all_records', async () => {
    front.rewrites['VM.get_all_records'] = ({ result }) => ({
      result: { ...(result as object), 'OpaqueRef:bad': null },
    });
    await assert.rejects(
      p.listVms(),
      (e: Error) =>
        noInternals(e) &&
        /^connection "lab": XAPI_MALFORMED_REPLY \[VM.get_all_records; OpaqueRef:bad is null, expected a record; from 127\.0\.0\.1:\d+\]$/.test(
          e.message,
        ),
    );
  });

  it("a null record in the SRs (read when first asked for): the tree's listing stands, the storage listing fails naming it", async () => {
    front.rewrites['SR.get_all_records'] = ({ result }) => ({
      result: { ...(result as object), 'OpaqueRef:bad': null },
    });
    assert.ok((await p.listVms()).length > 0);
    await assert.rejects(
      p.listStorage(),
      (e: Error) =>
        noInternals(e) &&
        /^connection "lab": XAPI_MALFORMED_REPLY \[SR.get_all_records; OpaqueRef:bad is null, expected a record; from 127\.0\.0\.1:\d+\]$/.test(
          e.message,
        ),
    );
  });

  it('an error in reply to a table read when first asked for fails the load at once, with its code', async () => {
    front.rewrites['VBD.get_all_records'] = () => ({
      error: { code: 1, message: 'PERMISSION_DENIED', data: ['VBD.get_all_records'] },
    });
    await assert.rejects(p.listVms(), (e: Error) =>
      /^connection "lab": PERMISSION_DENIED \[VBD.get_all_records\]/.test(e.message),
    );
  });

  it('a record without its power_state, while backing a VM up: the VM is named', async () => {
    const vm = (await p.listVms()).find((v) => v.powerState === 'halted')!;
    front.rewrites['VM.get_record'] = ({ result }) => ({ result: { ...(result as object), power_state: null } });
    await assert.rejects(
      p.backupVm(vm.id, { repository: f.repo }, ctx(f)),
      (e: Error) =>
        noInternals(e) &&
        e.message.startsWith(
          `connection "lab", VM "${vm.name}": XAPI_MALFORMED_REPLY [VM.get_record; the record.power_state is null, expected a string`,
        ),
    );
  });

  it('null instead of a record, and a task record whose status is a number', async () => {
    const vm = (await p.listVms()).find((v) => v.powerState === 'halted')!;
    front.rewrites['VM.get_record'] = () => ({ result: null });
    await assert.rejects(
      p.backupVm(vm.id, { repository: f.repo }, ctx(f)),
      (e: Error) =>
        noInternals(e) &&
        /XAPI_MALFORMED_REPLY \[VM.get_record; the record is null, expected a record/.test(e.message) &&
        e.message.includes(`VM "${vm.name}"`),
    );
    delete front.rewrites['VM.get_record'];
    front.rewrites['task.get_record'] = ({ result }) => ({ result: { ...(result as object), status: 7 } });
    await assert.rejects(
      p.snapshot(vm.id, { name: 's' }, ctx(f)),
      (e: Error) =>
        noInternals(e) &&
        /XAPI_MALFORMED_REPLY \[task.get_record; the record.status is a number, expected a string/.test(e.message),
    );
  });

  it('an error whose code and params are objects is shown as JSON, not [object Object]', async () => {
    const vm = (await p.listVms()).find((v) => v.powerState === 'halted')!;
    front.rewrites['VM.get_record'] = () => ({ error: { code: 1, message: { odd: true }, data: [{ x: 1 }, 'y'] } });
    await assert.rejects(
      p.backupVm(vm.id, { repository: f.repo }, ctx(f)),
      (e: Error) => noInternals(e) && /\{"odd":true\} \[\{"x":1\}; y\]/.test(e.message),
    );
  });
});
