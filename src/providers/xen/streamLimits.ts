// A connection's limits on how long a stream may stall and a task may run, as the XAPI client takes them.
import { ConnectionProfile } from '../../core/model';

/** Defaults: xapi sends an export's keep-alive chunk every 5 s (stream_vdi.ml), so 5 idle minutes is a dead stream. */
export const DEFAULT_IDLE_TIMEOUT_SECONDS = 300;
/** A snapshot, a destroy, or the tail of a transfer (after the last byte) taking an hour is a stuck task. */
export const DEFAULT_TASK_DEADLINE_MINUTES = 60;

/** The profile's idleTimeoutSeconds / taskDeadlineMinutes (0 = no limit) in milliseconds. */
export function streamLimits(profile: ConnectionProfile): { idleTimeoutMs?: number; taskDeadlineMs?: number } {
  const idle = profile.idleTimeoutSeconds ?? DEFAULT_IDLE_TIMEOUT_SECONDS;
  const deadline = profile.taskDeadlineMinutes ?? DEFAULT_TASK_DEADLINE_MINUTES;
  return {
    idleTimeoutMs: idle > 0 ? idle * 1000 : undefined,
    taskDeadlineMs: deadline > 0 ? deadline * 60_000 : undefined,
  };
}
