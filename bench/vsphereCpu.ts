// CPU time of another process (the vcsim the bench talks to), from /proc/<pid>/stat.
import * as fs from 'node:fs';

/** User + system CPU ms `pid` has used so far (utime and stime, fields 14 and 15, in clock ticks of 10 ms). */
export function processCpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
