// Starts an XAPI lab and a connected XenProvider for a test suite.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { XapiLab, XapiLabOptions, startXapiLab } from '../lab/xapi';
import { XenProvider } from '../../src/providers/xen/xenProvider';
import { JobContext } from '../../src/core/job';
import { Progress } from '../../src/core/progress';
import { ConnectionProfile } from '../../src/core/model';
import { tempDir } from '../tempDir';

export const LAB_PASSWORD = 'lab-secret-Zq9';

/** The repositories the fixtures made: removed when the test process ends (no suite removed its own). */
const repositories = new Set<string>();
process.once('exit', () => {
  for (const dir of repositories) fs.rmSync(dir, { recursive: true, force: true });
});

export interface Fixture {
  lab: XapiLab;
  provider: XenProvider;
  repo: string;
  logs: string[];
  progress: Progress[];
}

export async function startFixture(
  opts: XapiLabOptions = {},
  profile: Partial<ConnectionProfile> = {},
): Promise<Fixture> {
  const lab = await startXapiLab({ taskStepMs: 5, password: LAB_PASSWORD, ...opts });
  const repo = tempDir('vmbackup-repo-');
  repositories.add(repo);
  const provider = new XenProvider(
    { name: 'lab', platform: 'xen', url: lab.url, username: 'root', repository: repo, maxRetries: 0, ...profile },
    { password: LAB_PASSWORD },
  );
  await provider.connect();
  (provider.xapi as unknown as { opts: { taskPollMs: number } }).opts.taskPollMs = 10;
  return { lab, provider, repo, logs: [], progress: [] };
}

export function ctx(f: Fixture, signal: AbortSignal = new AbortController().signal): JobContext {
  return { signal, log: (l) => f.logs.push(l), progress: (p) => f.progress.push(p) };
}

/** Every file below a folder, relative. */
export function filesBelow(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath ?? (d as unknown as { path: string }).path, d.name)));
}
