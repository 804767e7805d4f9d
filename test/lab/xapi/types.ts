export interface XapiFaults {
  /** Destroy the socket after this many body bytes of /export (and /host_backup). */
  resetExportAtByte?: number;
  /**
   * The source disk of /export pauses this long before chunk `atChunk` of the first disk (a slow SR): xapi then
   * writes a zero-length keep-alive chunk entry (stream_vdi.ml send_one, timeout_workaround).
   */
  pauseExport?: { atChunk: number; ms: number };
  /** Idle time after which /export writes a keep-alive entry: xapi's is 5 s (stream_vdi.ml); tests shorten it. */
  exportKeepAliveMs?: number;
  /** Stop sending after this many body bytes (connection stays open). */
  stallExportAtByte?: number;
  /** GET /pool/xmldbdump sends the first half of the dump and then nothing (connection stays open): a test-only fault. */
  stallDbDump?: boolean;
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
