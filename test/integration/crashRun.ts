// Runs the CLI in a child process against an in-process lab and kills it (SIGKILL) when the pool reaches a given
// point; counts what a crash left behind and whether anything of the user's changed. Shared by the tests and bench/soak.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { XapiLab } from '../lab/xapi';
import { BackupRepository } from '../../src/core/repository';
import { MANIFEST } from '../../src/core/manifest';

export { CLI } from './cliRun';
import { CLI, cliBaseEnv } from './cliRun';

export interface CliRun {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts `vmbackup <args> --workspace ws` with the password in the environment. */
export function startCli(ws: string, args: string[], password: string): CliRun {
  const child = spawn(process.execPath, [CLI, ...args, '--workspace', ws], {
    env: { ...cliBaseEnv(), VMBACKUP_PASSWORD: password },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => {
    stdout += d;
  });
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, exited };
}

/** SIGKILLs the child as soon as `when()` holds (checked every millisecond); resolves whether it was killed before it ended. */
export async function killWhen(run: CliRun, when: () => boolean): Promise<boolean> {
  let killed = false;
  const t = setInterval(() => {
    if (!killed && when()) {
      killed = true;
      run.child.kill('SIGKILL');
    }
  }, 1);
  const end = await run.exited;
  clearInterval(t);
  return killed && end.signal === 'SIGKILL';
}

/** Fingerprints of every VM (snapshots included) and VDI of the pool, by uuid: what "user objects" means below. */
export function poolObjects(lab: XapiLab): Map<string, string> {
  const out = new Map<string, string>();
  for (const cls of ['VM', 'VDI']) {
    for (const [, r] of lab.store.table(cls)) {
      out.set(
        `${cls} ${r.uuid}`,
        JSON.stringify([
          r.name_label,
          r.other_config,
          r.is_a_snapshot,
          r.snapshot_of,
          cls === 'VM' ? r.power_state : r.virtual_size,
        ]),
      );
    }
  }
  return out;
}

/** Objects of `before` that are gone or changed now. */
export function touchedObjects(before: Map<string, string>, lab: XapiLab): string[] {
  const now = poolObjects(lab);
  return [...before].filter(([k, v]) => now.get(k) !== v).map(([k]) => k);
}

/** Pool objects that did not exist in `before` (temporary snapshots and their disks a crash left). */
export function newObjects(before: Map<string, string>, lab: XapiLab): string[] {
  return [...poolObjects(lab).keys()].filter((k) => !before.has(k));
}

/** What a repository holds that a finished, clean run would not: `*.part` files, empty folders, journal entries. */
export function repositoryLeftovers(repo: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    const names = fs.readdirSync(dir, { withFileTypes: true });
    if (!names.length && dir !== repo) out.push(`empty folder ${path.relative(repo, dir)}`);
    for (const d of names) {
      const p = path.join(dir, d.name);
      if (d.isDirectory()) walk(p);
      else if (d.name.endsWith('.part')) out.push(`part file ${path.relative(repo, p)}`);
      else if (dir.includes(`${path.sep}.vmbackup${path.sep}journal`)) out.push(`journal entry ${d.name}`);
    }
  };
  if (fs.existsSync(repo)) walk(repo);
  return out;
}

/**
 * Why a stored XVA is not a whole archive (undefined when it is): gzip that does not end with its trailer and CRC,
 * or a tar whose entries run past the end or that lacks the end-of-archive marker. Checked independently of the
 * product's own checks (test code: the lab's small disks are read whole).
 */
export function xvaProblem(file: string): string | undefined {
  let data = fs.readFileSync(file);
  if (data[0] === 0x1f && data[1] === 0x8b) {
    try {
      data = zlib.gunzipSync(data);
    } catch (e) {
      return `gzip: ${(e as Error).message}`;
    }
  }
  let off = 0;
  for (;;) {
    if (off + 512 > data.length) return `tar: cut inside a header at ${off}`;
    const header = data.subarray(off, off + 512);
    if (header.every((b) => b === 0)) {
      return off + 1024 <= data.length && data.subarray(off + 512, off + 1024).every((b) => b === 0)
        ? undefined
        : 'tar: no end-of-archive marker';
    }
    const size = parseInt(header.subarray(124, 136).toString('latin1').replace(/\0.*$/s, '').trim() || '0', 8);
    off += 512 + Math.ceil(size / 512) * 512;
    if (off > data.length)
      return `tar: entry ${header.subarray(0, 100).toString('latin1').replace(/\0.*$/s, '')} runs past the end`;
  }
}

/**
 * Files stored in the repository that are not complete, verified backups: a file in a folder without manifest.json,
 * a backup whose verify fails, or an XVA that is not a whole archive (xvaProblem).
 */
export async function incompleteStored(repo: string): Promise<string[]> {
  const out: string[] = [];
  const r = new BackupRepository(repo);
  for (const e of r.list()) {
    if (e.kind === 'foreign') {
      out.push(`file without manifest ${e.id}`);
      continue;
    }
    const v = await r.verify(e);
    if (!v.ok) out.push(`${e.id}: ${v.problems.join('; ')}`);
    for (const f of e.files.filter((x) => x.name.toLowerCase().endsWith('.xva'))) {
      const problem = xvaProblem(path.join(e.dir, f.name));
      if (problem) out.push(`${e.id}/${f.name}: ${problem}`);
    }
  }
  // A manifest covers the files below its folder too (a vSphere backup keeps `<datastore>/<dir>/<file>`).
  const walk = (dir: string, covered = false): void => {
    const names = fs.readdirSync(dir, { withFileTypes: true });
    const hasManifest = covered || names.some((d) => d.name === MANIFEST);
    for (const d of names) {
      const p = path.join(dir, d.name);
      if (d.isDirectory()) {
        if (d.name !== '.vmbackup') walk(p, hasManifest);
      } else if (!hasManifest && !d.name.endsWith('.part') && dir !== repo && !d.name.toLowerCase().endsWith('.xva'))
        out.push(`file without manifest ${path.relative(repo, p)}`);
    }
  };
  if (fs.existsSync(repo)) walk(repo);
  return out;
}

/** Waits until the lab has no pending task (a killed client's VM.snapshot or VM.destroy still runs on the pool). */
export async function tasksSettled(lab: XapiLab): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (
      ![...lab.store.table('task').values()].some(
        (t) => t.status === 'pending' && !String(t.name_label).startsWith('vmbackup /'),
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Every `*.part` below `dir` with its size (sync: polled every millisecond while the CLI runs). */
export function partFiles(dir: string): Array<{ file: string; bytes: number }> {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith('.part'))
    .map((d) => {
      const file = path.join(d.parentPath ?? (d as unknown as { path: string }).path, d.name);
      try {
        return { file, bytes: fs.statSync(file).size };
      } catch {
        return { file, bytes: 0 };
      }
    });
}
