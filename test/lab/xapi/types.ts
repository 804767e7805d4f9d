export interface XapiFaults {
  /** Destroy the socket after this many body bytes of /export (and /host_backup). */
  resetExportAtByte?: number;
  /** Stop sending after this many body bytes (connection stays open). */
  stallExportAtByte?: number;
  /** Answer `status` (e.g. 503) on requests to this path. */
  httpStatus?: { path: string; status: number };
  /** The next task created for this method (e.g. 'VM.snapshot', 'VM.export', 'VM.import') fails with `error`. */
  failNextTask?: { method: string; error: string[] };
  /** Answer 302 to `location?<same query>` on requests to this path (redirect loops, scheme changes). */
  redirect?: { path: string; location: string };
  /** Extra delay before answering session.login_with_password. */
  loginDelayMs?: number;
  /** The next call of this JSON-RPC method is answered late: read when it arrives, sent `ms` later (a slow link). */
  slowNextReply?: { method: string; ms: number };
}
