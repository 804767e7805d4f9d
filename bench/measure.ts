// Timing, RSS sampling and an external reference command.
import { spawn } from 'node:child_process';

export async function timed<T>(fn: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const t = process.hrtime.bigint();
  const value = await fn();
  return { seconds: Number(process.hrtime.bigint() - t) / 1e9, value };
}

/** Peak RSS growth over the baseline while fn runs (sampled every 20 ms). */
export async function peakRssGrowth<T>(fn: () => Promise<T>): Promise<{ mib: number; value: T }> {
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { mib: (peak - base) / 2 ** 20, value };
  } finally {
    clearInterval(timer);
  }
}

/** Runs `sh -c script` and returns its wall time and the CPU seconds (user + system) of everything it waited for. */
export function runMeasured(script: string, args: string[]): Promise<{ seconds: number; cpuSeconds: number }> {
  const t = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    // cutime + cstime (fields 16, 17 of /proc/<sh>/stat) count the children the shell has waited for, in clock ticks.
    const c = spawn('sh', ['-c', `${script} && cat /proc/$$/stat`, 'sh', ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    c.stdout!.on('data', (d) => {
      out += d;
    });
    c.once('error', reject);
    c.once('exit', (code) => {
      const seconds = Number(process.hrtime.bigint() - t) / 1e9;
      if (code !== 0) return reject(new Error(`sh -c ${script} exited with ${code}`));
      const fields = out.slice(out.lastIndexOf(')') + 2).split(' ');
      resolve({ seconds, cpuSeconds: (Number(fields[13]) + Number(fields[14])) / 100 });
    });
  });
}

/** CPU seconds (user + system) this process spends in fn. */
export async function cpuTimed<T>(fn: () => Promise<T>): Promise<{ cpuSeconds: number; value: T }> {
  const c0 = process.cpuUsage();
  const value = await fn();
  const c = process.cpuUsage(c0);
  return { cpuSeconds: (c.user + c.system) / 1e6, value };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
