// npm run soak: the fault campaign of issue 11. Each backup is `vmbackup backup` in a child process against an XAPI
// lab in this process (so the pool can be watched and killed at precise points); after every faulted run
// `vmbackup cleanup` runs, then the pool and the repository are checked. Prints: files stored that are not complete,
// leftovers after cleanup, user objects touched, retried successes. Not part of `npm test` (minutes).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startXapiLab, XapiLab, XapiFaults } from '../test/lab/xapi';
import { saveConnections } from '../src/core/connections';
import { ConnectionProfile } from '../src/core/model';
import { BackupRepository } from '../src/core/repository';
import {
  CliRun,
  incompleteStored,
  killWhen,
  newObjects,
  poolObjects,
  repositoryLeftovers,
  startCli,
  tasksSettled,
  touchedObjects,
} from '../test/integration/crashRun';

const PASSWORD = 'soak-lab-pw';
const RUN_LIMIT_MS = Number(process.env.SOAK_RUN_LIMIT_S ?? 30) * 1000;
/** The connections' idle limit: a stalled export must fail on it (and, with retries, be tried again) well inside RUN_LIMIT_MS. */
const IDLE_LIMIT_S = 3;
let seed = Number(process.env.SOAK_SEED ?? 11);
/** mulberry32: a seeded generator, so a campaign can be replayed (SOAK_SEED). */
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

interface Outcome {
  kind: string;
  result: string;
  retried: boolean;
}
const outcomes: Outcome[] = [];
/** Each problem once (a leftover that stays would otherwise be counted after every later run), with the run that showed it first. */
const problems = {
  incomplete: new Map<string, string>(),
  leftovers: new Map<string, string>(),
  touched: new Map<string, string>(),
};
const note = (m: Map<string, string>, what: string, kind: string) => {
  if (!m.has(what)) m.set(what, kind);
};

/** The fault applies to the first export of the run only (a transient fault: a retry meets a healthy pool). */
function firstExportOnly<K extends keyof XapiFaults>(lab: XapiLab, key: K, value: XapiFaults[K]): () => void {
  const start = lab.requests.filter((r) => r === 'GET /export').length;
  Object.defineProperty(lab.faults, key, {
    configurable: true,
    enumerable: true,
    get: () => (lab.requests.filter((r) => r === 'GET /export').length - start <= 1 ? value : undefined),
  });
  return () => {
    delete lab.faults[key];
  };
}

async function main(): Promise<void> {
  const lab = await startXapiLab({
    password: PASSWORD,
    hosts: 1,
    vmsPerHost: 6,
    diskBytes: 6 * 1024 * 1024,
    taskStepMs: 10,
  });
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'vmbackup-soak-'));
  const repo = path.join(ws, 'backups');
  const base: ConnectionProfile = {
    name: 'lab',
    platform: 'xen',
    url: lab.url,
    username: 'root',
    repository: 'backups',
    maxRetries: 0,
    backoffSeconds: 0.05,
    idleTimeoutSeconds: IDLE_LIMIT_S,
  };
  saveConnections(ws, [base, { ...base, name: 'lab-retry', maxRetries: 2 }]);
  const running = [...lab.store.table('VM')]
    .filter(([, v]) => v.power_state === 'Running' && !v.is_control_domain)
    .map(([ref, v]) => ({ ref, uuid: v.uuid as string }));
  const baseline = poolObjects(lab);
  const snapshotOf = (ref: string) =>
    [...lab.store.table('VM').values()].find(
      (v) => v.is_a_snapshot && v.snapshot_of === ref && String(v.name_label).startsWith('vmbackup-temp'),
    );

  const run = async (
    kind: string,
    args: string[],
    connection: string,
    killAt?: (r: CliRun) => () => boolean,
  ): Promise<boolean> => {
    const cli = startCli(ws, [...args, '--connection', connection], PASSWORD);
    const started = Date.now();
    const limit = () => Date.now() - started > RUN_LIMIT_MS;
    const aimed = killAt?.(cli);
    let hung = false;
    await killWhen(cli, () => (aimed?.() ?? false) || (limit() && (hung = true)));
    const end = await cli.exited;
    const result =
      end.signal === 'SIGKILL'
        ? hung
          ? `hung: killed after ${RUN_LIMIT_MS / 1000} s`
          : 'killed'
        : end.code === 0
          ? 'succeeded'
          : end.code === 3
            ? 'succeeded with warnings'
            : `failed: ${(/vmbackup: (.*)/.exec(end.stderr)?.[1] ?? `exit ${end.code}`).replace(/.*VM "[^"]*": /, '').slice(0, 70)}`;
    outcomes.push({ kind, result, retried: /retry \d+\//.test(end.stderr) && end.code === 0 });
    await tasksSettled(lab);
    const clean = await startCli(ws, ['cleanup', '--connection', connection], PASSWORD).exited;
    if (clean.code !== 0)
      process.stderr.write(
        `  cleanup exit ${clean.code}: ${clean.stdout
          .split('\n')
          .filter((l) => l.startsWith('skipped'))
          .join(' | ')}${clean.stderr}\n`,
      );
    for (const o of newObjects(baseline, lab)) note(problems.leftovers, o, kind);
    for (const l of repositoryLeftovers(repo)) note(problems.leftovers, l, kind);
    for (const t of touchedObjects(baseline, lab)) note(problems.touched, t, kind);
    for (const i of await incompleteStored(repo)) note(problems.incomplete, i, kind);
    process.stderr.write(`${outcomes.length} ${kind}: ${result}\n`);
    return result === 'killed';
  };
  const pick = () => running[Math.floor(random() * running.length)];

  // Clean runs first: how long a backup takes (for the random kill points), and each VM's export size, raw and
  // compressed (for the random fault offsets: somewhere inside that VM's stream).
  const size = new Map<string, number>();
  const durations: number[] = [];
  for (const vm of running) {
    for (const compress of [false, true]) {
      const t0 = Date.now();
      await run('clean', ['backup', vm.uuid, ...(compress ? ['--compress'] : [])], 'lab');
      durations.push(Date.now() - t0);
      // The newest backup of this VM is the one just made.
      size.set(
        `${vm.uuid} ${compress}`,
        new BackupRepository(repo).list().filter((e) => e.vmUuid === vm.uuid)[0].files[0].bytes,
      );
    }
  }
  const offset = (vm: { uuid: string }, compress: boolean) =>
    Math.floor(random() * (size.get(`${vm.uuid} ${compress}`) ?? 0));
  const typicalMs = durations.sort((a, b) => a - b)[Math.floor(durations.length / 2)];
  const exportBytes = Math.max(...[...size].filter(([k]) => k.endsWith('false')).map(([, v]) => v));

  for (let i = 0; i < 50; i++) {
    const compress = i % 2 === 1;
    const retries = i % 4 >= 2;
    const vm = pick();
    const undo = firstExportOnly(lab, 'resetExportAtByte', offset(vm, compress));
    await run(
      `reset ${compress ? 'compressed' : 'raw'}${retries ? ' +retries' : ''}`,
      ['backup', vm.uuid, ...(compress ? ['--compress'] : [])],
      retries ? 'lab-retry' : 'lab',
    );
    undo();
  }
  for (let i = 0; i < 10; i++) {
    const vm = pick();
    const undo = firstExportOnly(lab, 'stallExportAtByte', offset(vm, false));
    await run('stall', ['backup', vm.uuid], i % 2 ? 'lab-retry' : 'lab');
    undo();
  }
  for (let i = 0; i < 10; i++) {
    const undo = firstExportOnly(lab, 'httpStatus', { path: '/export', status: 500 });
    await run('HTTP 500', ['backup', pick().uuid], i % 2 ? 'lab-retry' : 'lab');
    undo();
  }
  for (let i = 0; i < 10; i++) {
    lab.faults.failNextTask = { method: 'VM.export', error: ['VM_EXPORT_FAILED', 'injected after the stream'] };
    await run(
      'task failure after stream',
      ['backup', pick().uuid, ...(i % 2 ? ['--compress'] : [])],
      i % 2 ? 'lab-retry' : 'lab',
    );
    delete lab.faults.failNextTask;
  }
  // Ten kills: a point drawn after the run already ended is not a kill; draw again (at most 30 runs).
  for (let kills = 0, tries = 0; kills < 10 && tries < 30; tries++) {
    const at = random() * typicalMs;
    if (
      await run('kill -9 at a random point', ['backup', pick().uuid], 'lab', () => {
        const s = Date.now();
        return () => Date.now() - s >= at;
      })
    )
      kills++;
  }
  for (let i = 0; i < 10; i++) {
    const vm = pick();
    const afterDelete = i % 2 === 1;
    let seen = false;
    await run(
      `kill -9 right after snapshot ${afterDelete ? 'delete' : 'create'}`,
      ['backup', vm.uuid],
      'lab',
      () => () => {
        const s = snapshotOf(vm.ref);
        if (s) seen = true;
        return afterDelete ? seen && !s : !!s;
      },
    );
  }
  await lab.close();

  const by = new Map<string, Map<string, number>>();
  for (const o of outcomes) {
    const m = by.get(o.kind) ?? new Map();
    m.set(o.result, (m.get(o.result) ?? 0) + 1);
    by.set(o.kind, m);
  }
  const lines = [...by].map(([k, m]) => `  ${k.padEnd(34)} ${[...m].map(([r, n]) => `${n}× ${r}`).join('; ')}`);
  process.stdout.write(
    [
      `fault campaign (seed ${process.env.SOAK_SEED ?? 11}, ${outcomes.length} runs, typical backup ${typicalMs} ms, export ${exportBytes} bytes raw)`,
      ...lines,
      `files stored that are not complete: ${show(problems.incomplete)}`,
      `leftovers after cleanup:           ${show(problems.leftovers)}`,
      `user objects touched:              ${show(problems.touched)}`,
      `retried successes:                 ${outcomes.filter((o) => o.retried).length}`,
      '',
    ].join('\n'),
  );
  process.exitCode = problems.incomplete.size || problems.leftovers.size || problems.touched.size ? 1 : 0;
}

function show(m: Map<string, string>): string {
  return [String(m.size), ...[...m].slice(0, 5).map(([what, kind]) => `${what} (after ${kind})`)].join('  ');
}

main().catch((e) => {
  process.stderr.write(`soak: ${(e as Error).stack}\n`);
  process.exitCode = 2;
});
