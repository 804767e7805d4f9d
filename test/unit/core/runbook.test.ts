// The runbook engine: order, confirmations, the durable state, resume after a cancel, a failure, a kill or a no.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  Runbook,
  RunbookError,
  RunbookHost,
  RunbookState,
  UnfinishedRunError,
  listRunbookStates,
  runRunbook,
  runbookDir,
} from '../../../src/core/runbook';
import { CancelledError } from '../../../src/core/errors';
import { tempDir } from '../../tempDir';

interface Ctx {
  ran: string[];
  failAt?: string;
  effect: Set<string>;
}

function book(): Runbook<Ctx> {
  const step = (id: string, extra: Partial<Runbook<Ctx>['steps'][0]> = {}) => ({
    id,
    title: `Step ${id}`,
    async run(c: Ctx & { output(t: string): void }) {
      c.ran.push(id);
      c.output(`running ${id}\n`);
      if (c.failAt === id) throw new Error(`${id} broke`);
      c.effect.add(id);
      return `${id} ok`;
    },
    ...extra,
  });
  return {
    name: 'test-book',
    title: 'Test book',
    steps: [
      step('a'),
      step('b', { destructive: true, warning: 'b destroys' }),
      step('c', { verify: async (c: Ctx) => c.effect.has('c') }),
      step('d'),
    ],
  };
}

describe('runbook engine', () => {
  let repo: string;
  beforeEach(() => (repo = tempDir('vmbk-runbook-')));
  afterEach(() => fs.rmSync(repo, { recursive: true, force: true }));
  const host = (answers: boolean[] = [], out: string[] = [], onStep?: RunbookHost['onStep']): RunbookHost => ({
    confirm: async () => answers.shift() ?? true,
    output: (t) => out.push(t),
    onStep,
  });
  const opts = { subject: 'conn x', params: { backup: 'x' } };

  it('runs the steps in order, asks before the destructive one only, and records each result durably', async () => {
    const c: Ctx = { ran: [], effect: new Set<string>() };
    const asked: string[] = [];
    const s = await runRunbook(
      book(),
      c,
      { confirm: async (st) => (asked.push(`${st.id}:${st.warning}`), true), output: () => undefined },
      { repository: repo, ...opts },
    );
    assert.deepEqual(c.ran, ['a', 'b', 'c', 'd']);
    assert.deepEqual(asked, ['b:b destroys']);
    assert.equal(s.status, 'done');
    const onDisk = JSON.parse(fs.readFileSync(path.join(runbookDir(repo), `${s.id}.json`), 'utf8')) as RunbookState;
    assert.deepEqual(
      onDisk.steps.map((x) => [x.id, x.status, x.result]),
      [
        ['a', 'done', 'a ok'],
        ['b', 'done', 'b ok'],
        ['c', 'done', 'c ok'],
        ['d', 'done', 'd ok'],
      ],
    );
    assert.deepEqual(fs.readdirSync(runbookDir(repo)), [`${s.id}.json`], 'no temporary file left');
  });

  it('a "no" stops before the step, nothing of it done; the resume asks again and goes on', async () => {
    const c: Ctx = { ran: [], effect: new Set<string>() };
    const e = await runRunbook(book(), c, host([false]), { repository: repo, ...opts }).catch((x: unknown) => x);
    assert.ok(e instanceof RunbookError);
    assert.equal(e.state.status, 'declined');
    assert.deepEqual(c.ran, ['a']);
    const s = await runRunbook(book(), c, host([true]), { repository: repo, ...opts, resume: true });
    assert.deepEqual(c.ran, ['a', 'b', 'c', 'd']);
    assert.equal(s.steps[0].attempts, 1);
  });

  it('a failed step is recorded with its error; a new run is refused, the resume re-runs from the failed step', async () => {
    const c: Ctx = { ran: [], effect: new Set(), failAt: 'c' };
    await assert.rejects(runRunbook(book(), c, host(), { repository: repo, ...opts }), /step "Step c" failed: c broke/);
    const [st] = listRunbookStates(repo);
    assert.deepEqual(
      st.steps.map((x) => x.status),
      ['done', 'done', 'failed', 'pending'],
    );
    assert.equal(st.steps[2].error, 'c broke');
    await assert.rejects(runRunbook(book(), c, host(), { repository: repo, ...opts }), /unfinished run .* resume it/);
    await assert.rejects(
      runRunbook(book(), c, host(), { repository: repo, ...opts, params: { backup: 'other' }, resume: true }),
      /other parameters \(backup\)/,
    );
    c.failAt = undefined;
    await runRunbook(book(), c, host(), { repository: repo, ...opts, resume: true });
    assert.deepEqual(c.ran, ['a', 'b', 'c', 'c', 'd']);
  });

  it('cancel: the running step is recorded cancelled; the resume skips the done ones', async () => {
    const c: Ctx = { ran: [], effect: new Set<string>() };
    const ac = new AbortController();
    await assert.rejects(
      runRunbook(
        book(),
        c,
        host([], [], (s, i) => (i === 2 && s.status === 'running' ? ac.abort() : undefined)),
        { repository: repo, ...opts, signal: ac.signal },
      ),
      CancelledError,
    );
    assert.equal(listRunbookStates(repo)[0].steps[2].status, 'cancelled');
    const out: string[] = [];
    await runRunbook(book(), c, host([], out), { repository: repo, ...opts, resume: true });
    assert.match(out.join(''), /step 1\/4 Step a: done before \(a ok\)/);
  });

  it('an atomic step runs to its end when cancelled during it: recorded done with its result, the run stops before the next', async () => {
    const c: Ctx = { ran: [], effect: new Set<string>() };
    const ac = new AbortController();
    const b = book();
    const slow = b.steps[1];
    b.steps[1] = {
      ...slow,
      atomic: true,
      async run(x) {
        ac.abort(); // the user cancels while the step's remote program runs
        await new Promise((r) => setTimeout(r, 20));
        assert.equal((x as unknown as { signal: AbortSignal }).signal.aborted, false, 'its own signal');
        return slow.run(x);
      },
    };
    const out: string[] = [];
    await assert.rejects(
      runRunbook(b, c, host([], out), { repository: repo, ...opts, signal: ac.signal }),
      CancelledError,
    );
    const [st] = listRunbookStates(repo);
    assert.deepEqual(
      st.steps.map((x) => [x.status, x.result]),
      [
        ['done', 'a ok'],
        ['done', 'b ok'],
        ['cancelled', undefined],
        ['pending', undefined],
      ],
    );
    assert.deepEqual(c.ran, ['a', 'b']);
    assert.match(out.join(''), /cancel asked: "Step b" is not interrupted once started; the run stops after it/);
  });

  it('a new run beside an unfinished one is refused (naming its backup); abandon gives it up and starts over', async () => {
    const c: Ctx = { ran: [], effect: new Set(), failAt: 'c' };
    await assert.rejects(runRunbook(book(), c, host(), { repository: repo, ...opts }), /failed/);
    await assert.rejects(
      runRunbook(book(), c, host(), { repository: repo, ...opts, params: { backup: 'y' } }),
      (e: Error) => e instanceof UnfinishedRunError && /backup x, stopped at "Step c", failed/.test(e.message),
    );
    c.failAt = undefined;
    c.ran = [];
    await runRunbook(book(), c, host(), { repository: repo, ...opts, params: { backup: 'y' }, abandon: true });
    assert.deepEqual(c.ran, ['a', 'b', 'c', 'd'], 'from the first step');
    const states = listRunbookStates(repo);
    assert.deepEqual(states.map((s) => [s.params.backup, s.status]).sort(), [
      ['x', 'abandoned'],
      ['y', 'done'],
    ]);
  });

  it('a step found running (the process died in it) is checked first: in place → done without running again', async () => {
    const c: Ctx = { ran: [], effect: new Set(), failAt: 'd' };
    await assert.rejects(runRunbook(book(), c, host(), { repository: repo, ...opts }));
    // As a kill -9 during step c would leave it: c running, d pending, and another (dead) process as owner.
    const file = path.join(runbookDir(repo), `${listRunbookStates(repo)[0].id}.json`);
    const st = JSON.parse(fs.readFileSync(file, 'utf8')) as RunbookState;
    st.status = 'running';
    st.owner.pid = 2 ** 22 + 7;
    st.steps[2].status = 'running';
    st.steps[3].status = 'pending';
    fs.writeFileSync(file, JSON.stringify(st));
    c.failAt = undefined;
    c.ran.length = 0;
    const out: string[] = [];
    const done = await runRunbook(book(), c, host([], out), { repository: repo, ...opts, resume: true });
    assert.deepEqual(c.ran, ['d'], 'c was in place: not run again');
    assert.equal(done.steps[2].result, 'in place (checked after the interruption)');
    assert.match(out.join(''), /interrupted while running; checking/);
    // Not in place → run again.
    c.effect.delete('c');
    st.steps[3].status = 'pending';
    fs.writeFileSync(file, JSON.stringify(st));
    c.ran.length = 0;
    await runRunbook(book(), c, host(), { repository: repo, ...opts, resume: true });
    assert.deepEqual(c.ran, ['c', 'd']);
  });

  it('resume refuses when nothing is unfinished, and while the owning process still runs', async () => {
    await assert.rejects(
      runRunbook(book(), { ran: [], effect: new Set<string>() }, host(), { repository: repo, ...opts, resume: true }),
      /no unfinished run/,
    );
    const c: Ctx = { ran: [], effect: new Set(), failAt: 'a' };
    await assert.rejects(runRunbook(book(), c, host(), { repository: repo, ...opts }));
    const file = path.join(runbookDir(repo), `${listRunbookStates(repo)[0].id}.json`);
    const st = JSON.parse(fs.readFileSync(file, 'utf8')) as RunbookState;
    st.status = 'running';
    st.owner.pid = process.ppid;
    fs.writeFileSync(file, JSON.stringify(st));
    await assert.rejects(
      runRunbook(book(), c, host(), { repository: repo, ...opts, resume: true }),
      /still running in process/,
    );
  });

  it('a run going on in this process cannot be resumed a second time beside it', async () => {
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((r) => (release = r));
    const slow: Runbook<Ctx> = {
      name: 'test-book',
      title: 'Test book',
      steps: [{ id: 'a', title: 'Step a', run: () => blocked.then(() => 'a ok') }],
    };
    let started: () => void = () => undefined;
    const running = new Promise<void>((r) => (started = r));
    const first = runRunbook(
      slow,
      { ran: [], effect: new Set<string>() },
      host([], [], (s) => (s.status === 'running' ? started() : undefined)),
      { repository: repo, ...opts },
    );
    await running;
    await assert.rejects(
      runRunbook(slow, { ran: [], effect: new Set<string>() }, host(), { repository: repo, ...opts, resume: true }),
      /still running in process/,
    );
    release();
    assert.equal((await first).status, 'done');
  });
});
