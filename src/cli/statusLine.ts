// What the CLI shows on stderr while a verb runs. The verb's result goes to stdout once (cli.ts); what happens on the
// way (the provider's log lines, progress) is not a result: on a terminal it is one status line rewritten in place and
// erased before the result is printed, so no event is shown twice (once as a log line, once as the result); redirected
// to a file or a pipe, plain lines without control characters. Warnings are kept on a line of their own either way.
import { Progress, formatProgress } from '../core/progress';
import { printable } from './printable';

/** A status line or a plain-line log on one stream; see progressWriter. */
export interface ProgressWriter {
  /** Progress of the job (or of one of several, `label` = its VM). */
  progress(p: Progress, label?: string): void;
  /**
   * What is happening now (a provider's log line): the status line on a terminal, a plain line otherwise. `label`: of
   * which of several jobs (the line is then started by it); a terminal shows it with that job's progress.
   */
  line(l: string, label?: string): void;
  /** A line that stays (a warning): on a terminal the status line is erased first. */
  keep(l: string): void;
  /** Erases the status line (a terminal): the verb's result or error comes next. */
  end(): void;
}

/** Status lines not ended yet: endStatusLines() erases them before cli.ts prints a result or an error. */
const open = new Set<ProgressWriter>();

/** Erases every status line still shown (cli.ts: before the result on stdout or the error on stderr). */
export function endStatusLines(): void {
  for (const w of open) w.end();
}

/**
 * Progress and log lines for stderr. On a terminal (`tty`): one line rewritten in place (`\r`, erase to the end), the
 * last log line followed by the progress, cut to `columns` (the terminal's width: a wrapped line cannot be rewritten).
 * Not a terminal (redirected to a file, a pipe, CI): plain lines without control characters, progress once per 10 %
 * step (or per 10 s when there is no %), so a log stays readable. `label` (a VM's name when several jobs run at once)
 * starts a progress line, and each label has its own steps.
 */
export function progressWriter(
  tty: boolean,
  write: (s: string) => void,
  now: () => number = Date.now,
  columns?: number,
): ProgressWriter {
  let shown = false;
  let status = '';
  /** The last log line of each label ('' = unlabelled), and the labels progress came for. */
  const stepOf = new Map<string, string>();
  const labels = new Set<string>();
  const steps = new Map<string, { step: number; at: number }>();
  const fit = (text: string) => {
    const chars = [...text];
    return columns && chars.length >= columns ? chars.slice(0, Math.max(columns - 2, 1)).join('') + '…' : text;
  };
  const show = (text: string) => {
    write(`\r${fit(text)}\x1b[K`);
    shown = true;
  };
  const writer: ProgressWriter = {
    progress: (p, label) => {
      const text = printable(label === undefined ? formatProgress(p) : `${label}: ${formatProgress(p)}`);
      if (tty) {
        if (label === undefined) return show(status ? `${status} — ${text}` : text);
        labels.add(label);
        // The step this job is at: its own last log line, else (one job) the unlabelled one.
        const step = stepOf.get(label) ?? (labels.size === 1 ? stepOf.get('') : undefined);
        return show(step ? `${printable(label)}: ${step} — ${printable(formatProgress(p))}` : text);
      }
      const last = steps.get(label ?? '') ?? { step: -1, at: -Infinity };
      const step = p.fraction !== undefined ? Math.floor(p.fraction * 10) : -1;
      if (step >= 0 ? step === last.step : now() - last.at < 10_000) return;
      steps.set(label ?? '', { step, at: now() });
      write(`${text}\n`);
    },
    line: (l, label) => {
      const text = printable(label === undefined ? l : `${label}: ${l}`);
      if (!tty) return write(`${text}\n`);
      stepOf.set(label ?? '', printable(l));
      status = text;
      show(status);
    },
    keep: (l) => {
      write(`${shown ? '\r\x1b[K' : ''}${printable(l)}\n`);
      shown = false;
      if (tty && status) show(status);
    },
    end: () => {
      if (shown) write('\r\x1b[K');
      shown = false;
      status = '';
      stepOf.clear();
    },
  };
  if (tty) open.add(writer);
  return writer;
}
