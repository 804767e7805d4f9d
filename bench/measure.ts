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
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  try { const value = await fn(); peak = Math.max(peak, process.memoryUsage().rss); return { mib: (peak - base) / 2 ** 20, value }; }
  finally { clearInterval(timer); }
}

export function runCommand(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    c.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited with ${code}`))));
    c.once('error', reject);
  });
}

export function median(xs: number[]): number { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; }
