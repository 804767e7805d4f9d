// Byte progress with rate and ETA, sampled over a sliding window.

export interface Progress { bytesDone: number; bytesTotal?: number; fraction?: number; rateBytesPerSec?: number; etaSeconds?: number; message?: string }

export class ProgressMeter {
  private samples: Array<{ t: number; b: number }> = [];
  bytesDone = 0;
  constructor(public bytesTotal?: number, private readonly windowMs = 3000, private readonly now: () => number = Date.now) {}

  add(bytes: number): Progress { return this.set(this.bytesDone + bytes); }

  set(bytesDone: number): Progress {
    this.bytesDone = bytesDone;
    const t = this.now();
    // Called per network chunk (thousands a second): keep at most one sample per 100 ms, so the window stays tiny.
    const last = this.samples[this.samples.length - 1];
    if (last && t - last.t < 100 && this.samples.length > 1) last.b = bytesDone;
    else this.samples.push({ t, b: bytesDone });
    while (this.samples.length > 2 && t - this.samples[0].t > this.windowMs) this.samples.shift();
    return this.snapshot();
  }

  snapshot(): Progress {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const dt = first && last ? (last.t - first.t) / 1000 : 0;
    const rate = dt > 0 ? (last.b - first.b) / dt : undefined;
    const total = this.bytesTotal;
    const fraction = total ? Math.min(1, this.bytesDone / total) : undefined;
    const eta = total && rate ? Math.max(0, (total - this.bytesDone) / rate) : undefined;
    return { bytesDone: this.bytesDone, bytesTotal: total, fraction, rateBytesPerSec: rate, etaSeconds: eta };
  }
}

/**
 * Reports a meter's progress at most once per `intervalMs` (a transfer brings thousands of chunks a second), and once
 * more `intervalMs` after the last chunk, so a transfer that stalls shows the bytes that did arrive.
 */
export class ThrottledProgress {
  private last = 0;
  private timer: NodeJS.Timeout | undefined;
  constructor(readonly meter: ProgressMeter, private readonly report?: (p: Progress) => void, private readonly intervalMs = 250) {}

  add(bytes: number): void {
    this.meter.add(bytes);
    if (!this.report) return;
    const wait = this.intervalMs - (Date.now() - this.last);
    if (wait <= 0) this.emit();
    else if (!this.timer) { this.timer = setTimeout(() => this.emit(), wait); this.timer.unref(); }
  }

  /** The final figure (and no report after it). */
  finish(): void { this.emit(); this.stop(); }

  stop(): void { clearTimeout(this.timer); this.timer = undefined; }

  private emit(): void {
    this.stop();
    this.last = Date.now();
    this.report?.(this.meter.snapshot());
  }
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}

export function formatProgress(p: Progress): string {
  const parts = [p.bytesTotal ? `${formatBytes(p.bytesDone)} / ${formatBytes(p.bytesTotal)}` : formatBytes(p.bytesDone)];
  if (p.rateBytesPerSec) parts.push(`${formatBytes(p.rateBytesPerSec)}/s`);
  if (p.etaSeconds !== undefined) parts.push(`ETA ${Math.round(p.etaSeconds)} s`);
  if (p.message) parts.unshift(p.message);
  return parts.join(' · ');
}
