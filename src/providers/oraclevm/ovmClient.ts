// The Oracle VM Manager 3.4 REST client: Basic once then the session cookie, JSON, TLS verified or pinned, jobs followed.
// Wire: docs.oracle.com/en/virtualization/oracle-vm/3.4/developer/vmapi-rest.html (base URI, auth), protocols.md §2.
import { AxiosInstance } from 'axios';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CancelledError,
  ContextError,
  ErrorContext,
  UntrustedCertificateError,
  describeContext,
  isCancel,
  textWithCode,
  throwIfAborted,
} from '../../core/errors';
import { registerSecret } from '../../core/secrets';
import { createHttp } from '../../transport/http';
import { isUntrustedCertificate, presentedThumbprint } from '../../transport/presentedCertificate';
import { IdleTimeoutError } from '../../transport/idleLimit';
import { httpError, jobError } from './ovmErrors';
import { OvmJob, OvmManager, listOf, parseJob, parseManager } from './ovmRecords';

export interface OvmClientOptions {
  /** The REST base URI, `https://<manager>:7002/ovm/core/wsapi/rest`. */
  url: string;
  username: string;
  password: string;
  /** Skip CA verification only for this certificate (SHA-1 or SHA-256 thumbprint). */
  thumbprint?: string;
  /** The connection's name, for messages. */
  label?: string;
  /** Poll interval for jobs and the Manager's run state, ms (default 1000). */
  pollMs?: number;
  /** Per-request limit, ms (default 60 000). */
  timeoutMs?: number;
}

/** The command that shows the Manager's certificate thumbprint, run on the Manager host. */
const SHOW_OVM_CERTIFICATE =
  'openssl s_client -connect localhost:7002 </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256';

export interface FollowOptions {
  signal?: AbortSignal;
  /** Each new progress message of the job (`progressMessage`, else `latestSummaryProgressMessage`). */
  onProgress?: (message: string, job: OvmJob) => void;
  /** Fails (after aborting the job) when the job's state and messages did not change for this long, ms. Default 1 h. */
  idleMs?: number;
  /** What the job is about, for its error (the VM's name). */
  context?: ErrorContext;
}

/** An id as a path segment: encoded, colons of Server ids kept (`03:aa:…`, as clients send them). */
export function idSegment(id: string): string {
  return encodeURIComponent(id).replace(/%3A/gi, ':');
}

export class OvmClient {
  private readonly http: AxiosInstance;
  private cookie: string | undefined;
  readonly context: ErrorContext;
  /** Manager job id → the signal of the follower (a product job's JobContext.signal) while followJob runs. */
  private readonly following = new Map<string, AbortSignal>();

  constructor(private readonly opts: OvmClientOptions) {
    registerSecret(opts.password);
    this.http = createHttp({
      baseURL: opts.url.replace(/\/+$/, ''),
      thumbprint: opts.thumbprint,
      timeoutMs: opts.timeoutMs,
    });
    this.context = { connection: opts.label, host: new URL(opts.url).host };
  }

  get pollMs(): number {
    return this.opts.pollMs ?? 1000;
  }

  /** GET a path under the base URI (e.g. `Vm`, `ServerPool/<id>/Server`); the reply as parsed JSON. */
  async get(path: string, signal?: AbortSignal): Promise<unknown> {
    return this.request('GET', path, undefined, undefined, signal);
  }

  /**
   * A write (PUT/POST/DELETE): the Manager answers with the Job that does it (vmapi-rest-uri-mapping). An abort before
   * the write throws CancelledError without sending it; one while it is in flight aborts the job it made, then throws.
   */
  async write(
    method: 'PUT' | 'POST' | 'DELETE',
    path: string,
    query?: Record<string, string | boolean>,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<OvmJob> {
    throwIfAborted(signal);
    // Once sent, the write is not cut off by the signal: the Manager may already have made its job, and only the
    // reply names the job to abort. A cancel that came meanwhile aborts that job here.
    const job = parseJob(await this.request(method, path, query, body), `reply to ${method} ${path}`);
    if (signal?.aborted) {
      await this.abortJob(job);
      throw new CancelledError();
    }
    return job;
  }

  /** The Manager object (`GET /Manager` is a list of one). */
  async manager(signal?: AbortSignal): Promise<OvmManager> {
    const list = listOf(await this.get('Manager', signal), 'Manager list', parseManager);
    if (!list[0]) throw new ContextError(this.context, 'GET Manager returned no Manager');
    return list[0];
  }

  /**
   * Waits until `managerRunState` is RUNNING (vmapi-rest-managerstate: jobs are not run while STARTING), telling
   * `onWait` each state it waits in. Default limit 30 min.
   */
  async waitUntilRunning(
    opts: { signal?: AbortSignal; onWait?: (state: string) => void; timeoutMs?: number } = {},
  ): Promise<OvmManager> {
    const deadline = Date.now() + (opts.timeoutMs ?? 30 * 60_000);
    let told = '';
    for (;;) {
      const m = await this.manager(opts.signal);
      if (m.managerRunState === 'RUNNING') return m;
      if (m.managerRunState !== told) {
        told = m.managerRunState;
        opts.onWait?.(told);
      }
      if (Date.now() > deadline)
        throw new ContextError(
          this.context,
          `Oracle VM Manager still ${told} after ${Math.round((opts.timeoutMs ?? 1_800_000) / 1000)} s`,
        );
      await this.pause(opts.signal);
    }
  }

  /**
   * Polls `GET Job/{id}` until `summaryDone` (python-ovmclient JobManager.wait_for_job); FAILURE → VendorError with the
   * Manager's code and message verbatim. Abort → `PUT Job/{id}/abort`, waits for the job to end, CancelledError.
   */
  async followJob(job: OvmJob, opts: FollowOptions = {}): Promise<OvmJob> {
    const idleMs = opts.idleMs ?? 3_600_000;
    let lastKey = '';
    let lastChange = Date.now();
    let lastMessage = '';
    let current = job;
    if (opts.signal) this.following.set(job.id.value, opts.signal);
    try {
      for (;;) {
        const message = current.progressMessage ?? current.latestSummaryProgressMessage ?? '';
        if (message && message !== lastMessage) {
          lastMessage = message;
          opts.onProgress?.(message, current);
        }
        if (current.summaryDone) {
          if (current.jobRunState === 'FAILURE') throw jobError(current, { ...this.context, ...opts.context });
          return current;
        }
        const key = `${current.jobRunState}|${message}`;
        if (key !== lastKey) {
          lastKey = key;
          lastChange = Date.now();
        } else if (Date.now() - lastChange > idleMs)
          throw new IdleTimeoutError(
            `${describeContext({ ...this.context, ...opts.context })}: Manager job "${current.name}"`,
            idleMs,
          );
        await this.pause(opts.signal);
        current = parseJob(await this.get(`Job/${idSegment(job.id.value)}`, opts.signal), `Job ${job.id.value}`);
      }
    } catch (err) {
      if (isCancel(err) || err instanceof IdleTimeoutError) await this.abortJob(job);
      throw err;
    } finally {
      if (this.following.get(job.id.value) === opts.signal) this.following.delete(job.id.value);
    }
  }

  /** The signal followJob was given for this Manager job while it follows it (links it to the product's job). */
  followedBy(jobId: string): AbortSignal | undefined {
    return this.following.get(jobId);
  }

  /** `PUT Job/{id}/abort`, then up to a minute for the job to end. Best effort: the Manager may be unreachable. */
  async abortJob(job: OvmJob): Promise<void> {
    try {
      await this.request('PUT', `Job/${idSegment(job.id.value)}/abort`);
      for (let i = 0; i < 60_000 / this.pollMs; i++) {
        const j = parseJob(await this.get(`Job/${idSegment(job.id.value)}`), 'Job');
        if (j.summaryDone) return;
        await sleep(this.pollMs);
      }
    } catch {
      /* reported by the caller's own error */
    }
  }

  private async pause(signal?: AbortSignal): Promise<void> {
    try {
      await sleep(this.pollMs, undefined, { signal });
    } catch {
      throw new CancelledError();
    }
  }

  /**
   * One request: the session cookie if there is one, else HTTP Basic (its reply's cookie is kept); a 401 on a
   * cookie (the session expired) is retried once with Basic. Non-2xx → VendorError (ovmErrors.httpError).
   */
  private async request(
    method: string,
    path: string,
    query?: Record<string, string | boolean>,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<unknown> {
    throwIfAborted(signal);
    for (let attempt = 0; ; attempt++) {
      const usedCookie = this.cookie !== undefined;
      const headers: Record<string, string> = { Accept: 'application/json' };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      if (usedCookie) headers.Cookie = this.cookie!;
      const res = await this.http
        .request({
          method,
          url: path,
          params: query,
          data: body === undefined ? undefined : JSON.stringify(body),
          headers,
          signal,
          auth: usedCookie ? undefined : { username: this.opts.username, password: this.opts.password },
        })
        .catch((err: unknown) => this.transportError(err));
      const setCookie = res.headers['set-cookie'];
      if (Array.isArray(setCookie) && setCookie.length) this.cookie = setCookie.map((c) => c.split(';')[0]).join('; ');
      if (res.status === 401 && usedCookie && attempt === 0) {
        this.cookie = undefined;
        continue;
      }
      if (res.status === 401)
        throw httpError(401, `authentication refused for user "${this.opts.username}"`, this.context);
      if (res.status < 200 || res.status >= 300) throw httpError(res.status, res.data, this.context);
      return res.data;
    }
  }

  private async transportError(err: unknown): Promise<never> {
    if (isCancel(err)) throw new CancelledError();
    if (!this.opts.thumbprint && isUntrustedCertificate(err)) {
      const thumbprint = (await presentedThumbprint(this.opts.url)) ?? 'unknown';
      const e = err as Error & { code: string };
      throw new UntrustedCertificateError(
        `${describeContext(this.context)}: ${e.message} — the Manager presented a certificate with SHA-256 ${thumbprint}. If that is the Manager's own (on it: ${SHOW_OVM_CERTIFICATE}), pin it as the connection's thumbprint`,
        e.code,
        this.context.host ?? '',
        thumbprint,
        SHOW_OVM_CERTIFICATE,
      );
    }
    throw new ContextError(
      this.context,
      textWithCode((err as { code?: unknown }).code, (err as Error).message ?? String(err)),
    );
  }
}
