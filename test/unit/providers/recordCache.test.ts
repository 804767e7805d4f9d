// The Xen record cache against the XAPI lab: one load, then event.from keeps it current (add/mod/del), and it
// reloads after EVENTS_LOST, a dropped session and a connection reset.
import { strict as assert } from 'node:assert';
import { XapiLab, startXapiLab } from '../../lab/xapi';
import { labCall, labLogin } from '../../integration/labRpc';
import { XapiClient, NULL_REF } from '../../../src/providers/xen/xapiClient';
import { LAZY_CLASSES, RecordChange, XenRecordCache, XapiEventSource } from '../../../src/providers/xen/recordCache';
import { VendorError } from '../../../src/core/errors';
import { XenVm } from '../../../src/providers/xen/xenRecords';

const PASSWORD = 'cache-lab-pw';

/** Resolves with the first batch (or reload) for which `pred` holds; rejects after a generous readiness wait. */
function until(
  cache: XenRecordCache,
  pred: (changes: RecordChange[], reloaded: boolean) => boolean,
  what: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`never saw: ${what}`));
    }, 20_000);
    const stop = cache.watch((c, r) => {
      if (pred(c, r)) {
        clearTimeout(timer);
        stop();
        resolve();
      }
    });
  });
}

describe('XenRecordCache (XAPI lab events)', function () {
  this.timeout(60_000);
  let lab: XapiLab;
  let client: XapiClient;
  let other: string;
  let cache: XenRecordCache | undefined;
  let keepAlive: (() => void) | undefined;

  beforeEach(async () => {
    lab = await startXapiLab({ hosts: 3, vmsPerHost: 4, taskStepMs: 5, password: PASSWORD });
    client = new XapiClient({ url: lab.url, username: 'root', password: PASSWORD });
    await client.login();
    other = await labLogin(lab, PASSWORD); // another client, as xe or XenCenter would be
  });
  afterEach(async () => {
    keepAlive?.();
    keepAlive = undefined;
    cache?.stop();
    await client.logout();
    await lab.close();
  });

  const realVms = () =>
    [...lab.store.table('VM')].filter(([, v]) => !v.is_control_domain && !v.is_a_template && !v.is_a_snapshot);
  /** The lab client as the cache's source, with `overrides` in place of its methods. */
  const through = (overrides: Partial<XapiEventSource>): XapiEventSource => ({
    get sessionRef() {
      return client.sessionRef;
    },
    call: (m, ...p) => client.call(m, ...p),
    sendDeferred: (m, ...p) => client.sendDeferred(m, ...p),
    callInSession: (m, p, s) => client.callInSession(m, p, s),
    login: () => client.login(),
    ...overrides,
  });
  /** The lab client, with `before` run ahead of each event.from of the loop (it throws to play a failure). */
  const failingEventFrom = (before: () => void): XapiEventSource =>
    through({
      callInSession: async (m, p, s) => {
        if (m === 'event.from') before();
        return client.callInSession(m, p, s);
      },
    });
  /** The lab client, with the reader of each deferred reply (sendDeferred) replaced by `wrap` (to count or fail reads). */
  const wrappingReads = (wrap: (method: string, read: () => unknown) => () => unknown): XapiEventSource =>
    through({
      sendDeferred: <T>(m: string, ...p: unknown[]) => {
        const s = client.sendDeferred<T>(m, ...p);
        return { sent: s.sent, reply: s.reply.then((read) => wrap(m, read) as () => T) };
      },
    });
  /** The lab client, writing down when each get_all_records is asked, is out, is in, and is read (in `log`). */
  const recording = (log: string[]): XapiEventSource =>
    through({
      sendDeferred: <T>(m: string, ...p: unknown[]) => {
        const cls = m.replace('.get_all_records', '');
        log.push(`ask ${cls}`);
        const s = client.sendDeferred<T>(m, ...p);
        return {
          sent: s.sent.then(() => void log.push(`sent ${cls}`)),
          reply: s.reply.then((read) => {
            log.push(`in ${cls}`);
            return () => {
              log.push(`read ${cls}`);
              return read();
            };
          }),
        };
      },
    });
  const newCache = (source: XapiEventSource = client) =>
    (cache = new XenRecordCache(source, { timeoutSeconds: 5, backoffMs: 20 }));

  it('loads every class once and indexes VMs by the host they are listed under', async () => {
    const c = newCache();
    await c.load();
    await c.load();
    assert.equal(c.loads, 1);
    for (const cls of ['pool', 'host', 'VM', 'VDI', 'VBD', 'SR', 'PBD', 'VIF', 'network', 'task']) {
      assert.equal(lab.requests.filter((r) => r === `${cls}.get_all_records`).length, 1, cls);
      assert.equal(Object.keys(c.all(cls as never)).length, lab.store.table(cls).size, cls);
    }
    for (const host of lab.store.table('host').keys()) {
      const expected = realVms()
        .filter(([, v]) => v.resident_on === host || ((v.resident_on ?? NULL_REF) === NULL_REF && v.affinity === host))
        .map(([r]) => r)
        .sort();
      assert.deepEqual(c.vmsPlacedOn(host).sort(), expected);
    }
  });

  it('asks the VM table alone, then every other table once its reply is in, and reads it once their requests are out', async () => {
    const log: string[] = [];
    const c = newCache(recording(log));
    await c.load();
    const at = (e: string) => {
      assert.ok(log.includes(e), `${e} in ${log.join(', ')}`);
      return log.indexOf(e);
    };
    const others = ['host', 'VM_guest_metrics', 'VDI', 'VBD', 'VIF', 'network', 'SR', 'PBD', 'task'];
    assert.equal(log[0], 'ask VM');
    for (const cls of others) {
      assert.ok(at(`ask ${cls}`) > at('in VM'), `${cls} asked after the VM reply is in: ${log.join(', ')}`);
      assert.ok(at(`sent ${cls}`) < at('read VM'), `${cls} out before the VM table is read: ${log.join(', ')}`);
    }
    assert.equal(Object.keys(c.all('VM')).length, lab.store.table('VM').size);
  });

  it('a VM table that fails to read fails the load, and the other replies still pending reject nothing unhandled', async () => {
    let unhandled: unknown;
    const onUnhandled = (e: unknown) => (unhandled = e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const src = wrappingReads((m, read) =>
        m === 'VM.get_all_records'
          ? () => {
              throw new VendorError('XAPI_MALFORMED_REPLY', [m, 'played by the test']);
            }
          : read,
      );
      const failing: XapiEventSource = {
        ...src,
        get sessionRef() {
          return client.sessionRef;
        },
        sendDeferred: <T>(m: string, ...p: unknown[]) => {
          const s = src.sendDeferred<T>(m, ...p);
          // the others fail too, after the VM table's read has failed the load
          return m === 'VM.get_all_records'
            ? s
            : { sent: s.sent, reply: s.reply.then(() => Promise.reject(new Error(`${m} failed later`))) };
        },
      };
      await assert.rejects(newCache(failing).load(), (e: VendorError) => e.code === 'XAPI_MALFORMED_REPLY');
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(unhandled, undefined);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('applies add, mod and del events made by another session, and moves a started VM to its host', async () => {
    const c = newCache();
    await c.load();
    keepAlive = c.watch(() => undefined);
    const [vm] = realVms().find(([, v]) => v.power_state === 'Halted')!;

    const added = until(
      c,
      (ch) => ch.some((x) => x.cls === 'vm' && x.op === 'add' && (x.record as XenVm).name_label === 'made by xe'),
      'add',
    );
    const snap: string = await labCall(lab, 'VM.snapshot', other, vm, 'made by xe');
    await added;
    assert.equal(c.get<XenVm>('VM', snap)?.snapshot_of, vm);
    assert.ok(c.get<XenVm>('VM', vm)?.snapshots.includes(snap), 'the VM row changed too');

    const renamed = until(c, (ch) => ch.some((x) => x.op === 'mod' && x.ref === vm), 'mod');
    await labCall(lab, 'VM.set_name_label', other, vm, 'renamed by xe');
    await renamed;
    assert.equal(c.get<XenVm>('VM', vm)?.name_label, 'renamed by xe');

    const deleted = until(c, (ch) => ch.some((x) => x.op === 'del' && x.ref === snap), 'del');
    await labCall(lab, 'VM.destroy', other, snap);
    await deleted;
    assert.equal(c.get('VM', snap), undefined);

    const started = until(c, () => c.get<XenVm>('VM', vm)?.power_state === 'Running', 'start');
    await labCall(lab, 'VM.start', other, vm, false, false);
    await started;
    const host = lab.store.must('VM', vm).resident_on as string;
    assert.notEqual(host, NULL_REF);
    assert.ok(c.vmsPlacedOn(host).includes(vm));
    assert.ok(!c.vmsPlacedOn(NULL_REF).includes(vm));
    assert.equal(c.loads, 1, 'no reload');
  });

  it('reads the replies of LAZY_CLASSES (disks, NICs, storage, tasks) when first asked for, or when an event is about one of them', async () => {
    const reads = new Map<string, number>();
    const counting = wrappingReads((m, read) => () => {
      reads.set(m, (reads.get(m) ?? 0) + 1);
      return read();
    });
    const c = newCache(counting);
    await c.load();
    const listed = ['VM', 'host', 'VM_guest_metrics'].map((cls) => `${cls}.get_all_records`);
    assert.deepEqual([...reads.keys()].sort(), [...listed].sort(), 'read at load: what the tree lists, nothing else');
    listed.forEach((m) => reads.delete(m));
    for (const cls of LAZY_CLASSES)
      assert.equal(lab.requests.filter((r) => r === `${cls}.get_all_records`).length, 1, `${cls} fetched at load`);
    assert.equal(Object.keys(c.all('VDI')).length, lab.store.table('VDI').size);
    c.get('VDI', 'OpaqueRef:x');
    assert.deepEqual([...reads], [['VDI.get_all_records', 1]]);
    // An event about a network: its reply is read, then the event applied over it.
    const [net] = lab.store.table('network').keys();
    await labCall(lab, 'network.set_name_label', other, net, 'renamed by xe');
    await c.current();
    assert.equal(reads.get('network.get_all_records'), 1);
    assert.equal(c.get<{ name_label: string }>('network', net)?.name_label, 'renamed by xe');
    assert.equal(reads.get('VBD.get_all_records'), undefined);
  });

  it('an event about a deferred table whose reply fails to read applies nothing of its batch (the token stays)', async () => {
    const c = newCache(
      wrappingReads((m, read) =>
        m !== 'network.get_all_records'
          ? read
          : () => {
              throw new VendorError('XAPI_MALFORMED_REPLY', [m, 'as a broken server would send it']);
            },
      ),
    );
    await c.load();
    const [vm] = realVms()[0];
    const before = c.get<XenVm>('VM', vm)!.name_label;
    await labCall(lab, 'VM.set_name_label', other, vm, 'renamed first');
    await labCall(lab, 'network.set_name_label', other, [...lab.store.table('network').keys()][0], 'then this');
    for (let i = 0; i < 2; i++)
      await assert.rejects(c.current(), (e: unknown) => e instanceof VendorError && e.code === 'XAPI_MALFORMED_REPLY');
    assert.equal(c.get<XenVm>('VM', vm)?.name_label, before, 'half of the batch was applied');
  });

  it('catches up without a loop: current() applies what changed since the load in one event.from', async () => {
    const c = newCache();
    await c.load();
    const [vm] = realVms()[0];
    await labCall(lab, 'VM.set_name_label', other, vm, 'changed meanwhile');
    await c.current();
    assert.equal(c.get<XenVm>('VM', vm)?.name_label, 'changed meanwhile');
    assert.equal(lab.requests.filter((r) => r === 'VM.get_all_records').length, 1);
  });

  it('reloads after EVENTS_LOST and goes on applying events', async () => {
    let lose = true;
    const c = newCache(
      failingEventFrom(() => {
        if (lose) {
          lose = false;
          throw new VendorError('EVENTS_LOST', []);
        }
      }),
    );
    await c.load();
    const reloaded = until(c, (_ch, r) => r, 'reload');
    keepAlive = c.watch(() => undefined);
    await reloaded;
    assert.equal(c.loads, 2);
    const [vm] = realVms()[0];
    const renamed = until(c, () => c.get<XenVm>('VM', vm)?.name_label === 'after the loss', 'mod after reload');
    await labCall(lab, 'VM.set_name_label', other, vm, 'after the loss');
    await renamed;
  });

  it("after EVENTS_LOST, a deferred table not read yet is read from the reload's reply, never from the first load's", async () => {
    const readers: Array<{ method: string; reads: number }> = [];
    let lose = true;
    const c = newCache({
      ...wrappingReads((method, read) => {
        const r = { method, reads: 0 };
        readers.push(r);
        return () => (r.reads++, read());
      }),
      callInSession: (m, p, s) => {
        if (m === 'event.from' && lose) {
          lose = false;
          throw new VendorError('EVENTS_LOST', []);
        }
        return client.callInSession(m, p, s);
      },
    });
    await c.load();
    const [vdi] = lab.store.table('VDI').keys();
    await labCall(lab, 'VDI.set_name_label', other, vdi, 'renamed before the loss');
    const reloaded = until(c, (_ch, r) => r, 'reload');
    keepAlive = c.watch(() => undefined);
    await reloaded;
    assert.equal(c.get<{ name_label: string }>('VDI', vdi)?.name_label, 'renamed before the loss');
    const vdiReaders = readers.filter((r) => r.method === 'VDI.get_all_records');
    assert.deepEqual(
      vdiReaders.map((r) => r.reads),
      [0, 1],
      "the first load's VDI reply is dropped unread; the reload's is read once",
    );
  });

  it('after its session is dropped (logout wakes the blocked event.from with SESSION_INVALID), logs in again and reloads', async () => {
    const c = newCache();
    await c.load();
    keepAlive = c.watch(() => undefined);
    await new Promise((r) => setTimeout(r, 200)); // the loop is blocked in event.from
    const dropped = client.sessionRef!;
    const reloaded = until(c, (_ch, r) => r, 'reload');
    await labCall(lab, 'session.logout', dropped);
    await reloaded;
    assert.notEqual(client.sessionRef, dropped);
    assert.equal(c.loads, 2);
    const [vm] = realVms()[1];
    const renamed = until(c, () => c.get<XenVm>('VM', vm)?.name_label === 'after the drop', 'mod after re-login');
    await labCall(lab, 'VM.set_name_label', other, vm, 'after the drop');
    await renamed;
  });

  it('after a connection reset, waits (backoff), reloads and continues; stop() ends the loop', async () => {
    let resets = 2;
    let calls = 0;
    const source = failingEventFrom(() => {
      calls++;
      if (resets-- > 0) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    });
    const errors: unknown[] = [];
    const c = (cache = new XenRecordCache(source, {
      timeoutSeconds: 5,
      backoffMs: 20,
      onError: (e) => errors.push(e),
    }));
    await c.load();
    const [vm] = realVms()[2];
    const reloadedTwice = until(c, (_ch, r) => r && c.loads === 3, 'two reloads');
    keepAlive = c.watch(() => undefined);
    await reloadedTwice;
    assert.equal(errors.length, 2);
    assert.match(String((errors[0] as Error).message), /socket hang up/);
    const renamed = until(c, () => c.get<XenVm>('VM', vm)?.name_label === 'after the reset', 'mod after reset');
    await labCall(lab, 'VM.set_name_label', other, vm, 'after the reset');
    await renamed;
    assert.equal(c.loads, 3, 'one reload per failure, none after: ' + errors.map(String).join('; '));
    c.stop();
    const before = calls;
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(calls, before, 'no event.from after stop');
  });
});
