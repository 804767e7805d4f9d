// The platforms' own job lists (Oracle VM Manager's jobs) for the Jobs view: listed again every interval, only while
// the view is visible (the pattern of pollingInventory.ts), each connection's last listing or its error kept.
import { PlatformJob } from './model';

/** A connection whose platform has its own job list (Capabilities.platformJobs), and how to list it. */
export interface PlatformJobSource {
  connection: string;
  /** The group's word for them (Capabilities.platformJobs.label, e.g. "Manager jobs"). */
  label: string;
  list(): Promise<PlatformJob[]>;
}
/** A connection's jobs as last listed, or the error of its last listing (its message). */
export interface PlatformJobList {
  connection: string;
  label: string;
  jobs: PlatformJob[];
  error?: string;
}
export interface PlatformJobWatch {
  /** Visible: lists now, then every interval; hidden: stops (nothing is polled while no one looks). */
  setVisible(visible: boolean): void;
  /** One listing now (whatever the visibility), resolved when every source answered or failed. */
  refresh(): Promise<void>;
  /** The last listing of each current source, in the sources' order. */
  lists(): PlatformJobList[];
  dispose(): void;
}

/**
 * Polls `sources()` (asked anew each time: connections come and go) every `intervalMs` while visible; listings never
 * overlap. `onChange` after each listing. A failed source keeps its previous jobs and gets the error's message.
 */
export function platformJobWatch(
  sources: () => Promise<PlatformJobSource[]>,
  opts: { intervalMs: number; onChange: () => void },
): PlatformJobWatch {
  let visible = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let disposed = false;
  let known = new Map<string, PlatformJobList>();
  const listOnce = async () => {
    const lists = await Promise.all(
      (await sources()).map(async (s): Promise<PlatformJobList> => {
        try {
          return { connection: s.connection, label: s.label, jobs: await s.list() };
        } catch (err) {
          const jobs = known.get(s.connection)?.jobs ?? [];
          return { connection: s.connection, label: s.label, jobs, error: (err as Error)?.message ?? String(err) };
        }
      }),
    );
    known = new Map(lists.map((l) => [l.connection, l]));
  };
  const refresh = (): Promise<void> => {
    running ??= listOnce()
      .catch(() => undefined)
      .finally(() => {
        running = undefined;
        if (!disposed) opts.onChange();
        schedule();
      });
    return running;
  };
  const schedule = () => {
    if (visible && !disposed && !timer)
      timer = setTimeout(() => {
        timer = undefined;
        void refresh();
      }, opts.intervalMs);
  };
  return {
    setVisible(v: boolean) {
      if (v === visible) return;
      visible = v;
      if (!v && timer) {
        clearTimeout(timer);
        timer = undefined;
      }
      if (v) void refresh();
    },
    refresh,
    lists: () => [...known.values()],
    dispose() {
      disposed = true;
      visible = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
