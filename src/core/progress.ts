// Byte progress with rate and ETA, sampled over a sliding window.

export interface Progress {
  bytesDone: number;
  bytesTotal?: number;
  fraction?: number;
  rateBytesPerSec?: number;
  etaSeconds?: number;
  message?: string;
}

export class ProgressMeter {
  private samples: Array<{ t: number; b: number }> = [];
  private fractions: Array<{ t: number; f: number }> = [];
  bytesDone = 0;
  constructor(
    public bytesTotal?: number,
    private readonly windowMs = 3000,
    private readonly now: () => number = Date.now,
  ) {}

  add(bytes: number): Progress {
    return this.set(this.bytesDone + bytes);
  }

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

  /**
   * The source's own measure of how far it is (0..1), for transfers whose size is not known in advance (XAPI's
   * /export has no Content-Length; its task's progress counts the disk blocks it has read, zero blocks included).
   * Without a byte total, the fraction and the ETA come from it.
   */
  setFraction(fraction: number): void {
    const t = this.now();
    const f = Math.min(1, Math.max(0, fraction));
    const last = this.fractions[this.fractions.length - 1];
    if (last && f < last.f) return;
    this.fractions.push({ t, f });
    while (this.fractions.length > 2 && t - this.fractions[0].t > this.windowMs) this.fractions.shift();
  }

  snapshot(): Progress {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const dt = first && last ? (last.t - first.t) / 1000 : 0;
    const rate = dt > 0 ? (last.b - first.b) / dt : undefined;
    const total = this.bytesTotal;
    if (total) {
      const eta = rate ? Math.max(0, (total - this.bytesDone) / rate) : undefined;
      return {
        bytesDone: this.bytesDone,
        bytesTotal: total,
        fraction: Math.min(1, this.bytesDone / total),
        rateBytesPerSec: rate,
        etaSeconds: eta,
      };
    }
    const f0 = this.fractions[0];
    const f1 = this.fractions[this.fractions.length - 1];
    if (!f1) return { bytesDone: this.bytesDone, rateBytesPerSec: rate };
    const speed = f0 && f1.t > f0.t ? (f1.f - f0.f) / ((f1.t - f0.t) / 1000) : 0;
    return {
      bytesDone: this.bytesDone,
      fraction: f1.f,
      rateBytesPerSec: rate,
      etaSeconds: speed > 0 ? Math.max(0, (1 - f1.f) / speed) : undefined,
    };
  }
}

/**
 * Reports a meter's progress at most once per `intervalMs` (a transfer brings thousands of chunks a second), and once
 * more `intervalMs` after the last chunk, so a transfer that stalls shows the bytes that did arrive.
 */
export class ThrottledProgress {
  private last = 0;
  private timer: NodeJS.Timeout | undefined;
  constructor(
    readonly meter: ProgressMeter,
    private readonly report?: (p: Progress) => void,
    private readonly intervalMs = 250,
  ) {}

  add(bytes: number): void {
    this.meter.add(bytes);
    if (!this.report) return;
    const wait = this.intervalMs - (Date.now() - this.last);
    if (wait <= 0) this.emit();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.emit(), wait);
      this.timer.unref();
    }
  }

  setFraction(fraction: number): void {
    this.meter.setFraction(fraction);
  }

  /** The final figure (and no report after it). */
  finish(): void {
    this.emit();
    this.stop();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private emit(): void {
    this.stop();
    this.last = Date.now();
    this.report?.(this.meter.snapshot());
  }
}

/** Bytes for people: `512 B`, `8.0 MiB`, `1.5 GiB` (binary units, one decimal above bytes). */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}

/**
 * One line: bytes (of the total), %, rate, ETA. An operation that moves no bytes (a snapshot, a revert: XAPI's task
 * progress only; a step of a Manager job, e.g. "Stop web01") shows its message and % alone, never "0 B".
 */
export function formatProgress(p: Progress): string {
  const done = p.bytesTotal ? `${formatBytes(p.bytesDone)} / ${formatBytes(p.bytesTotal)}` : formatBytes(p.bytesDone);
  const pct = p.fraction !== undefined ? `${Math.floor(p.fraction * 100)} %` : undefined;
  // No byte count: nothing moved, no total, no rate, and something else to show (a %, a step's message).
  const noBytes = !p.bytesDone && !p.bytesTotal && !p.rateBytesPerSec && (pct !== undefined || !!p.message);
  const parts = noBytes
    ? pct !== undefined
      ? [pct]
      : []
    : [pct !== undefined && !p.bytesTotal ? `${done} (${pct})` : done];
  if (p.rateBytesPerSec) parts.push(`${formatBytes(p.rateBytesPerSec)}/s`);
  if (p.etaSeconds !== undefined) parts.push(`ETA ${Math.round(p.etaSeconds)} s`);
  if (p.message) parts.unshift(p.message);
  return parts.join(' · ');
}
