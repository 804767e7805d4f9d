// XAPI over JSON-RPC v2 (POST /jsonrpc) with session handling, pool-master redirection and task polling.
import { AxiosInstance } from 'axios';
import { isAscii } from 'node:buffer';
import { Readable } from 'node:stream';
import { DEFAULT_IDLE_MS, createHttp } from '../../transport/http';
import { socketTarget } from '../../transport/openSocket';
import { isUntrustedCertificate, untrustedCertificateError } from '../../transport/presentedCertificate';
import { rawGet } from '../../transport/rawGet';
import { rawPost } from '../../transport/rawPost';
import { rawPut } from '../../transport/rawPut';
import { MalformedReplyError, ResponseHead } from '../../transport/responseHead';
import { BodySink } from '../../core/bodySink';
import { CancelledError, HttpStatusError, TaskDeadlineError, VendorError } from '../../core/errors';
import { sleep } from '../../core/retry';
import { registerSecret } from '../../core/secrets';
import { parseTaskResult, xapiError } from './xapiErrors';
import { MAX_REDIRECTS, REDIRECTING_PUTS, assertPoolHost, redirectTarget } from './handlerRedirect';
import { memberThumbprint } from './memberThumbprint';
import { checkReply } from './replyShape';
import { memberCertificateError } from './memberCertificate';

export type Ref = string;

/** Prints, on an XCP-ng / Citrix Hypervisor host, the SHA-256 thumbprint of the certificate xapi serves. */
const SHOW_XAPI_CERTIFICATE = 'openssl x509 -noout -fingerprint -sha256 -in /etc/xensource/xapi-ssl.pem';
export const NULL_REF = 'OpaqueRef:NULL';

export interface XapiClientOptions {
  url: string;
  username: string;
  password: string;
  thumbprint?: string;
  taskPollMs?: number;
  maxReplyBytes?: number;
  /** A data stream (export, import, dumps) on which nothing moves this long fails (StalledError). Default: none. */
  idleTimeoutMs?: number;
  /** A task still pending this long after we began to wait for it is cancelled (TaskDeadlineError). Default: none. */
  taskDeadlineMs?: number;
}

/** A call under way (XapiClient.sendDeferred): when its request is out, and its deferred result. */
export interface SentCall<T> {
  /** Resolves once the request is written, or once the call has settled; never rejects. */
  sent: Promise<void>;
  /** callDeferred's promise: the reader of the result once the reply is in. */
  reply: Promise<() => T>;
}

export interface TaskRecord {
  status: 'pending' | 'success' | 'failure' | 'cancelling' | 'cancelled';
  progress: number;
  result: string;
  error_info: string[];
}

export class XapiClient {
  private http!: AxiosInstance;
  private readonly memberHttp = new Map<string, AxiosInstance>();
  private session?: string;
  /** The login under way that calls share (renewSession). */
  private loggingIn?: Promise<void>;
  private rpcId = 0;
  url: string;

  constructor(private readonly opts: XapiClientOptions) {
    registerSecret(opts.password);
    this.url = opts.url.replace(/\/+$/, '');
    this.http = this.makeHttp();
  }

  get sessionRef(): string | undefined {
    return this.session;
  }

  /** How often a task is polled while it runs. */
  get taskPollMs(): number {
    return this.opts.taskPollMs ?? 500;
  }

  async login(): Promise<void> {
    let member: string | undefined;
    for (let hops = 0; ; hops++) {
      try {
        this.session = await this.rawCall<string>('session.login_with_password', [
          this.opts.username,
          this.opts.password,
          '2.21',
          'vm-backup-explorer',
        ]);
        return;
      } catch (err) {
        // A pool member refuses logins and names its master: reconnect there (once or twice, never in a loop).
        if (err instanceof VendorError && err.code === 'HOST_IS_SLAVE' && hops < 2 && err.params[0]) {
          const current = new URL(this.url);
          const master = err.params[0];
          member = current.host;
          this.url = `${current.protocol}//${master.includes(':') && !master.startsWith('[') ? master : master + (current.port ? ':' + current.port : '')}`;
          this.http = this.makeHttp();
          continue;
        }
        if (!this.opts.thumbprint && isUntrustedCertificate(err))
          throw await this.howToPin(err as Error & { code: string });
        // The pin was taken from the member the connection names; the master has a certificate of its own.
        if (member && this.opts.thumbprint && err instanceof Error && /thumbprint mismatch/.test(err.message)) {
          throw new Error(
            `${err.message} — ${member} is a pool member (HOST_IS_SLAVE) whose master is ${new URL(this.url).host}: point the connection's url at the master and pin the master's certificate`,
            { cause: err },
          );
        }
        throw err;
      }
    }
  }

  async logout(): Promise<void> {
    if (!this.session) return;
    const s = this.session;
    this.session = undefined;
    await this.rawCall('session.logout', [s]).catch(() => undefined);
  }

  /** Calls a method with the session prepended; logs in again once if the session expired. */
  call<T>(method: string, ...params: unknown[]): Promise<T> {
    return this.inSession((session) => this.rawCall<T>(method, [session, ...params]));
  }

  /**
   * Calls a method in the current session (logging in first if there is none) without the re-login of `call`: a
   * SESSION_INVALID reaches the caller. The event loop needs that: after a new session it must reload its records, as
   * Xen Orchestra's `_watchEvents` does (packages/xen-api/index.mjs: "a session failure should break the loop and
   * trigger a complete refetch"). `signal` aborts the HTTP request (a blocked event.from).
   */
  async callInSession<T>(method: string, params: unknown[], signal?: AbortSignal): Promise<T> {
    await this.renewSession();
    return this.rawCall<T>(method, [this.session, ...params], signal);
  }

  /** Runs Async.<method>, polls the task with progress, cancels it on abort, returns the result refs. */
  async callAsync(
    method: string,
    params: unknown[],
    signal?: AbortSignal,
    onProgress?: (fraction: number) => void,
  ): Promise<string[]> {
    const task = await this.call<Ref>(`Async.${method}`, ...params);
    return this.waitTask(task, signal, onProgress);
  }

  /**
   * Polls a task to its end: its result refs, or its error_info as a VendorError. On abort it is cancelled; once it
   * has been pending for the connection's task deadline (taskDeadlineMs, from the start of this wait) it is
   * cancelled too and the wait fails with a TaskDeadlineError naming it. The task is destroyed in every case.
   */
  async waitTask(task: Ref, signal?: AbortSignal, onProgress?: (fraction: number) => void): Promise<string[]> {
    let cancelSent = false;
    const deadline = this.opts.taskDeadlineMs ? Date.now() + this.opts.taskDeadlineMs : Infinity;
    try {
      for (let poll = 0; ; poll++) {
        if (signal?.aborted && !cancelSent) {
          cancelSent = true;
          await this.call('task.cancel', task).catch(() => undefined);
        }
        const rec = await this.call<TaskRecord>('task.get_record', task);
        onProgress?.(Number(rec.progress) || 0);
        if (rec.status === 'success') return parseTaskResult(rec.result ?? '');
        if (rec.status === 'failure') throw xapiError(rec.error_info ?? []);
        if (rec.status === 'cancelled') throw new CancelledError(`XAPI task ${method(rec)} cancelled`);
        if (Date.now() >= deadline && !signal?.aborted) {
          await this.call('task.cancel', task).catch(() => undefined);
          throw this.deadlineError(rec, task);
        }
        // Short tasks (and the tail of a finished transfer) settle fast: poll at 25, 50, 100 ms … up to taskPollMs.
        await sleep(Math.min(this.taskPollMs, 25 * 2 ** poll)).catch(() => undefined);
      }
    } finally {
      await this.call('task.destroy', task).catch(() => undefined);
    }
  }

  private deadlineError(rec: TaskRecord, task: Ref): TaskDeadlineError {
    const minutes = (this.opts.taskDeadlineMs ?? 0) / 60_000;
    return new TaskDeadlineError(
      `XAPI task "${method(rec) || task}" still ${rec.status} after ${+minutes.toFixed(3)} min (the connection's taskDeadlineMinutes): cancelled it`,
    );
  }

  /**
   * GET a data-plane handler into `sink` (see rawGet: the bytes are read straight into the sink's memory). Follows
   * 302s (see handlerRedirect) with the same query and the same TLS policy; `onHead` sees the 200's head first.
   */
  async receive(
    path: string,
    query: Record<string, string>,
    sink: BodySink,
    signal?: AbortSignal,
    onHead?: (head: ResponseHead) => void,
  ): Promise<void> {
    await this.renewSession();
    let url = this.resourceUrl(path, query);
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const { head } = await this.onMember(
        url,
        rawGet(url, { thumbprint: await this.pinFor(url), signal, idleMs: this.opts.idleTimeoutMs }, (h) => {
          if (h.status !== 200) return undefined;
          onHead?.(h);
          return sink;
        }),
      );
      if (head.status === 302) {
        url = await this.follow(url, head.headers.location, path);
        continue;
      }
      if (head.status !== 200) throw new HttpStatusError(head.status, path, new URL(url).origin);
      return;
    }
    throw new VendorError('TOO_MANY_REDIRECTS', [path]);
  }

  /**
   * PUT a file with its exact Content-Length (XAPI rejects chunked uploads with 403), from reused buffers (rawPut);
   * with `sha256`, checked as it is sent (the last bytes held back until it matches: rawPut).
   * A sent body cannot be sent again, so for handlers that may redirect the 302 is discovered first (probeRedirects).
   */
  async putFile(
    path: string,
    query: Record<string, string>,
    file: string,
    signal?: AbortSignal,
    onBytes?: (n: number) => void,
    sha256?: string,
  ): Promise<{ taskRef?: string }> {
    await this.renewSession();
    let url = this.resourceUrl(path, query);
    if (REDIRECTING_PUTS.has(path)) url = await this.probeRedirects(url, path, signal);
    const head = await this.onMember(
      url,
      rawPut(url, file, {
        thumbprint: await this.pinFor(url),
        signal,
        onBytes,
        idleMs: this.opts.idleTimeoutMs,
        sha256,
      }),
    );
    if (head.status !== 200) throw new HttpStatusError(head.status, path, new URL(url).origin);
    return { taskRef: head.headers['task-id'] };
  }

  /**
   * Xen Orchestra's probe: an empty PUT to the handler reveals a 302 before the body is streamed. It is sent
   * without task_id so that the caller's task is not touched (an un-redirected probe is an empty import that
   * fails in a task of the handler's own); the final URL keeps the whole original query.
   */
  private async probeRedirects(url: string, path: string, signal?: AbortSignal): Promise<string> {
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const probe = new URL(url);
      probe.searchParams.delete('task_id');
      const res = await this.onMember(
        url,
        this.httpPinned(await this.pinFor(url)).put(probe.toString(), '', {
          headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': '0' },
          signal,
          responseType: 'stream',
        }),
      );
      (res.data as Readable).destroy();
      if (res.status !== 302) return url;
      url = await this.follow(url, res.headers.location, path);
    }
    throw new VendorError('TOO_MANY_REDIRECTS', [path]);
  }

  /**
   * A transfer to another pool host than the connection's (a 302 led there) refused by that host's certificate:
   * the error names the member and carries what Pin This Certificate… needs (memberCertificateError).
   */
  private async onMember<T>(url: string, transfer: Promise<T>): Promise<T> {
    try {
      return await transfer;
    } catch (err) {
      if (new URL(url).host === new URL(this.url).host || !isUntrustedCertificate(err)) throw err;
      throw await memberCertificateError(this, this.url, url, err as Error & { code: string }, SHOW_XAPI_CERTIFICATE);
    }
  }

  /** The URL a 302 leads to (redirectTarget), once it is known to be a host of this pool (assertPoolHost). */
  private async follow(from: string, location: unknown, path: string): Promise<string> {
    const next = redirectTarget(from, location, path);
    await assertPoolHost(this, this.url, next, path);
    return next;
  }

  /**
   * A certificate that does not verify against the CAs (XCP-ng's self-signed one): the error says which certificate
   * the host presented and how to check it on the host before pinning it. The code stays Node's.
   */
  private howToPin(err: Error & { code: string }): Promise<Error> {
    return untrustedCertificateError(this.url, err, 'on the host', SHOW_XAPI_CERTIFICATE);
  }

  /**
   * The thumbprint a data-plane URL is pinned to: none when certificates are verified against CAs; the connection's
   * for the master; for another pool host (a 302 led there) the thumbprint of that host's own certificate as the
   * master reports it (memberThumbprint), else the connection's (a pool that shares one certificate).
   */
  private async pinFor(url: string): Promise<string | undefined> {
    const pin = this.opts.thumbprint;
    if (!pin) return undefined;
    const target = new URL(url);
    if (target.host === new URL(this.url).host) return pin;
    return (await memberThumbprint(this, socketTarget(target).host)) ?? pin;
  }

  /** The axios instance for requests pinned to `pin` (the connection's instance for the connection's pin). */
  private httpPinned(pin: string | undefined): AxiosInstance {
    if (pin === this.opts.thumbprint) return this.http;
    let http = this.memberHttp.get(pin ?? '');
    if (!http) {
      http = createHttp({ baseURL: this.url, thumbprint: pin });
      this.memberHttp.set(pin ?? '', http);
    }
    return http;
  }

  private resourceUrl(path: string, query: Record<string, string>): string {
    const q = new URLSearchParams({ session_id: this.session ?? '', ...query });
    return `${this.url}${path}?${q.toString()}`;
  }

  /**
   * `call`, with the reading of a successful reply's result left to the first `value()` (a table the caller may never
   * read: see the record cache's lazy classes). A reply that is not a JSON-RPC v2 success as xapi writes it (an error,
   * anything else) is read at once, so errors — SESSION_INVALID and its re-login included — come as from `call`.
   * `value()` throws XAPI_MALFORMED_REPLY (checkReply) when the reply is not JSON or its result is not what `method`
   * returns. The first `value()` reads the reply and releases its bytes; later calls give the same result, or throw
   * the same error, without reading again.
   */
  callDeferred<T>(method: string, ...params: unknown[]): Promise<() => T> {
    return this.sendDeferred<T>(method, ...params).reply;
  }

  /**
   * `callDeferred`, telling when the request is out: `sent` resolves once a large call's (BULK_METHOD) request bytes
   * are written to its socket — the server can build its reply from then on, while the caller works — or once the call
   * has settled, whichever comes first (a small call, or one that failed before it was written). `reply` is
   * callDeferred's promise. Used by the record cache's first load to ask the next tables before parsing the VM table.
   */
  sendDeferred<T>(method: string, ...params: unknown[]): SentCall<T> {
    let told!: () => void;
    const sent = new Promise<void>((resolve) => (told = resolve));
    const reply = this.inSession((session) => this.rawCall<T>(method, [session, ...params], undefined, true, told));
    reply.then(told, told);
    return { sent, reply };
  }

  /** Runs `fn` with the session (logging in first if there is none), and once more after a new login if it expired. */
  private async inSession<R>(fn: (session: string | undefined) => Promise<R>): Promise<R> {
    await this.renewSession();
    const used = this.session;
    try {
      return await fn(used);
    } catch (err) {
      if (err instanceof VendorError && err.code === 'SESSION_INVALID') {
        await this.renewSession(used);
        return fn(this.session);
      }
      throw err;
    }
  }

  /**
   * Logs in when there is no session, or when `expired` was refused (SESSION_INVALID) and is still the current one.
   * Calls that need a login at the same time share it: after a session expired, the first load's parallel
   * get_all_records log in once, not once each (every login is a session that xapi keeps until it expires).
   */
  private renewSession(expired?: string): Promise<void> {
    if (this.session && this.session !== expired) return Promise.resolve();
    this.loggingIn ??= this.login().finally(() => (this.loggingIn = undefined));
    return this.loggingIn;
  }

  private rawCall<T>(method: string, params: unknown[], signal?: AbortSignal): Promise<T>;
  private rawCall<T>(
    method: string,
    params: unknown[],
    signal: AbortSignal | undefined,
    defer: true,
    onSent?: () => void,
  ): Promise<() => T>;
  private async rawCall<T>(
    method: string,
    params: unknown[],
    signal?: AbortSignal,
    defer = false,
    onSent?: () => void,
  ): Promise<T | (() => T)> {
    const request = { jsonrpc: '2.0', method, params, id: ++this.rpcId };
    const { status, data } = BULK_METHOD.test(method)
      ? await this.postBulk(method, request, signal, onSent)
      : await this.postRpc(request, signal);
    if (!defer || status !== 200 || !isSuccessReply(data)) return this.resultOf<T>(method, status, data);
    return readOnce(() => this.resultOf<T>(method, status, data));
  }

  /** Whichever reply is larger than this (opts.maxReplyBytes) fails; its bytes are not kept. */
  private get maxReplyBytes(): number {
    return this.opts.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES;
  }

  /** A JSON-RPC call through the connection's axios instance (keep-alive: the many small calls). */
  private async postRpc(request: object, signal?: AbortSignal): Promise<{ status: number; data: Buffer }> {
    const res = await this.http.post('/jsonrpc', request, {
      headers: { 'Content-Type': 'application/json' },
      responseType: 'arraybuffer',
      signal,
      maxContentLength: this.maxReplyBytes,
    });
    return { status: res.status, data: res.data as Buffer };
  }

  /**
   * A call whose reply is large (BULK_METHOD) read with rawPost: on a connection of its own, under the same TLS policy
   * (CA verification, or the connection's pin checked before any byte is sent), the same reply limit and idle limit
   * as postRpc, straight into one buffer of the reply's length. A reply over the limit, or not an HTTP/1.x reply,
   * fails with XAPI_MALFORMED_REPLY [method, why, "from <host>"].
   */
  private async postBulk(
    method: string,
    request: object,
    signal?: AbortSignal,
    onSent?: () => void,
  ): Promise<{ status: number; data: Buffer }> {
    try {
      const { head, body } = await rawPost(`${this.url}/jsonrpc`, JSON.stringify(request), {
        thumbprint: this.opts.thumbprint,
        signal,
        headers: { 'Content-Type': 'application/json' },
        idleMs: DEFAULT_IDLE_MS,
        maxBytes: this.maxReplyBytes,
        onSent,
      });
      return { status: head.status, data: body };
    } catch (err) {
      if (!(err instanceof MalformedReplyError)) throw err;
      throw new VendorError('XAPI_MALFORMED_REPLY', [method, err.message, `from ${new URL(this.url).host}`]);
    }
  }

  /** The result of a JSON-RPC reply body, or the error it holds (xapiError, HTTP_<status>, XAPI_MALFORMED_REPLY). */
  private resultOf<T>(method: string, status: number, data: Buffer): T {
    const body = parseReply(data) as { result?: T; error?: unknown } | string;
    if ((typeof body !== 'object' || body === null) && status === 200)
      throw new VendorError('XAPI_MALFORMED_REPLY', [
        method,
        `the reply is ${typeof body === 'string' ? 'not JSON' : `${body}`}, expected a JSON-RPC response`,
        `from ${new URL(this.url).host}`,
      ]);
    if (typeof body !== 'object' || body === null)
      throw new VendorError(`HTTP_${status}`, ['reply to ' + method + ' is not JSON-RPC']);
    if (body.error !== undefined && body.error !== null) throw xapiError(body.error);
    if (status !== 200) throw new VendorError(`HTTP_${status}`, [method]);
    checkReply(method, body.result, new URL(this.url).host);
    return body.result as T;
  }

  private makeHttp(): AxiosInstance {
    return createHttp({ baseURL: this.url, thumbprint: this.opts.thumbprint });
  }
}

/** The default of XapiClientOptions.maxReplyBytes: a get_all_records of VMs is about 2.3 kB per VM. */
const DEFAULT_MAX_REPLY_BYTES = 256 * 1024 * 1024;

/** The calls whose replies are large: every record of a class (23.5 MB for the VMs of a 10,000-VM pool). */
const BULK_METHOD = /\.get_all_records$/;

/**
 * A deferred result's reader: reads once, then gives the same value (or throws the same error) without reading again;
 * what it read from (the reply's bytes) is released after that first read.
 */
function readOnce<T>(read: () => T): () => T {
  let pending: (() => T) | undefined = read;
  let outcome: { value: T } | { error: unknown } | undefined;
  return () => {
    if (!outcome) {
      const r = pending!;
      pending = undefined;
      try {
        outcome = { value: r() };
      } catch (error) {
        outcome = { error };
      }
    }
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  };
}

/**
 * How xapi begins a successful JSON-RPC v2 reply: rpclib's `json_of_response` writes the members in the order
 * jsonrpc, result, id, compactly (xapi-project/xen-api src/lib/jsonrpc.ml). An error reply has `"error"` second.
 */
const SUCCESS_V2 = Buffer.from('{"jsonrpc":"2.0","result":');

/** The body begins as xapi's successful v2 reply does (anything else is read at once, not deferred). */
function isSuccessReply(buf: Buffer): boolean {
  return buf.length > SUCCESS_V2.length && buf.subarray(0, SUCCESS_V2.length).equals(SUCCESS_V2);
}

/**
 * A JSON-RPC reply body as JSON, or as text when it is not JSON (a proxy's or xapi's HTML error page). A body that is
 * all ASCII (as the records of a pool with Latin-script names are) is read as Latin-1, which is a copy, instead of
 * being decoded as UTF-8 — a pass of its own over the 50 MB that get_all_records sends for a 10,000-VM pool; any other
 * body is decoded as UTF-8.
 */
function parseReply(buf: Buffer): unknown {
  const text = isAscii(buf) ? buf.toString('latin1') : buf.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function method(rec: TaskRecord): string {
  return (rec as unknown as { name_label?: string }).name_label ?? '';
}
