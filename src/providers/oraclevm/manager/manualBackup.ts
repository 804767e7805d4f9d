// A manual MySQL backup of the Manager (§12.1.2.3): BackupDatabase -w on its host, then its Manager job over REST.
import { JobContext } from '../../../core/job';
import { registerSecret } from '../../../core/secrets';
import { SshSession } from '../../../transport/ssh';
import { OvmClient, idSegment } from '../ovmClient';
import { remoteOutputText } from '../../../core/controlChars';
import { OvmJob, parseJob } from '../ovmRecords';
import { parseDbBackupName } from './dbBackupName';
import { ManagerLayout } from './managerHost';

export interface ManualBackupResult {
  /** The new directory's name (`ManualBackup-…`), when BackupDatabase printed its destination. */
  name?: string;
  /** The destination path BackupDatabase printed. */
  destination?: string;
  /** The Manager job `Start Backup to: ManualBackup`, as the REST API shows it at the end. */
  job?: OvmJob;
  /** BackupDatabase's whole output (stdout then stderr). */
  output: string;
}

/**
 * The lines of §12.1.2.3's sample: `INFO:  Backup job starting with destination:` then the path on the next line,
 * `Job Id   = 'Start Backup to: ManualBackup(ID) Uri: https://localhost:7002/ovm/core/wsapi/rest/Job/ID'` (the Uri
 * may be on its own line).
 */
export function parseBackupDatabaseOutput(text: string): { destination?: string; jobId?: string } {
  const dest = /Backup job starting with destination:\s*\n\s*(\/\S+)/.exec(text)?.[1];
  const jobId = /Uri:\s*\S*\/Job\/([0-9A-Za-z:._-]+)/.exec(text)?.[1];
  return { destination: dest, jobId };
}

/**
 * Runs `BackupDatabase -w` (§12.1.2.3) on the Manager host. It prompts for the Manager user name and password: both
 * go on its stdin, never on a command line (*assumed*: the tool reads them from stdin when it has no terminal; the
 * guide shows only an interactive run). Its output is shown live; then the job it printed is read over REST and
 * followed until done (python-ovmclient wait_for_job): a FAILURE job is the error, verbatim.
 * @throws RemoteCommandError-like Error with the tool's output when it exits non-zero; VendorError for a failed job.
 */
export async function runManualBackup(
  ssh: SshSession,
  layout: ManagerLayout,
  client: OvmClient,
  credentials: { username: string; password: string },
  ctx: JobContext & { output?: (text: string) => void },
): Promise<ManualBackupResult> {
  registerSecret(credentials.password);
  if (/[\r\n]/.test(credentials.username) || /[\r\n]/.test(credentials.password))
    throw new Error('the Manager user name and password cannot hold line breaks (BackupDatabase reads them as lines)');
  const r = await ssh.exec([layout.tool('BackupDatabase'), '-w'], {
    signal: ctx.signal,
    stdin: `${credentials.username}\n${credentials.password}\n`,
    onOutput: (t) => (ctx.output ? ctx.output(t) : undefined),
  });
  const output = r.stdout + (r.stderr ? `\n${r.stderr}` : '');
  if (r.code !== 0)
    throw new Error(
      `${ssh.where}: BackupDatabase -w exited with ${r.code ?? r.signal}${remoteOutputText(output.trim().slice(-2000))}`,
    );
  const { destination, jobId } = parseBackupDatabaseOutput(r.stdout);
  const base = destination?.split('/').pop();
  const name = base && parseDbBackupName(base) ? base : undefined;
  let job: OvmJob | undefined;
  if (jobId) {
    const first = parseJob(await client.get(`Job/${idSegment(jobId)}`, ctx.signal), `Job ${jobId}`);
    job = await client.followJob(first, { signal: ctx.signal, onProgress: (m) => ctx.log(`Manager job: ${m}`) });
    ctx.log(`Manager job "${job.name}" ${job.jobRunState}`);
  } else ctx.log('BackupDatabase printed no job Uri: its exit status is the only result');
  return { name, destination, job, output };
}
