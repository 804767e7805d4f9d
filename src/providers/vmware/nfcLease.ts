// An HttpNfcLease (vSphere Web Services API reference: HttpNfcLease, HttpNfcLeaseInfo, HttpNfcLeaseDeviceUrl), as the
// OVF export (VirtualMachine.ExportVm, VirtualMachineSnapshot.ExportSnapshot) and import (ResourcePool.ImportVApp)
// return it: wait while it is `initializing` until `ready` (its info then lists one URL per file) or `error` (its
// `error` fault, verbatim); keep it alive with HttpNfcLeaseProgress while the files move (govmomi nfc/lease_updater.go:
// every 2 s; the lease times out after info.leaseTimeout seconds without it); end it with HttpNfcLeaseComplete, or
// HttpNfcLeaseAbort on failure or cancel.
import { CancelledError, VendorError, throwIfAborted } from '../../core/errors';
import { sleep } from '../../core/retry';
import { JobContext } from '../../core/job';
import { VimClient } from './vimClient';
import { retrieveObject } from './vimPropertyCollector';
import { taskFaultError } from './vimFaults';
import { malformed } from './vimXml';
import { MoRef, asList, asMoRef, asObject, optBool, optNumber, optString } from './vimValue';

/** One HttpNfcLeaseDeviceUrl: `key` names the device (export), `importKey` the import spec's device (import only). */
export interface LeaseDeviceUrl {
  key: string;
  importKey: string;
  url: string;
  sslThumbprint: string;
  disk: boolean;
  targetId?: string;
  fileSize?: number;
}

/** HttpNfcLeaseInfo: the leased entity, its device URLs, total disk capacity (KiB) and the lease timeout (s). */
export interface LeaseInfo {
  entity: MoRef;
  deviceUrls: LeaseDeviceUrl[];
  totalDiskCapacityInKB: number;
  leaseTimeoutSeconds: number;
}

/** Longest pause between two polls of a lease that is still initializing, ms. */
const POLL_MS = 500;
/** govmomi's keep-alive period (nfc/lease_updater.go), ms; shorter when the lease's own timeout asks for it. */
const KEEP_ALIVE_MS = 2_000;

/**
 * Waits for `lease` to leave `initializing`: resolves with its info when `ready`; an `error` lease throws its fault
 * verbatim (e.g. Timedout, RequestCanceled); more than `limitMs` initializing (default 10 min) fails LEASE_IDLE.
 */
export async function waitForLease(
  client: VimClient,
  lease: MoRef,
  signal?: AbortSignal,
  limitMs = 600_000,
): Promise<LeaseInfo> {
  const started = Date.now();
  for (let poll = 0; ; poll++) {
    throwIfAborted(signal);
    const o = await retrieveObject(client, lease, ['state', 'info', 'error'], signal);
    if (!o) throw new VendorError('ManagedObjectNotFound', [`HttpNfcLease:${lease.value}`]);
    const state = optString(o.props.state, 'HttpNfcLease.state');
    if (state === 'ready') return parseLeaseInfo(o.props.info);
    if (state === 'error' || state === 'done') throw leaseError(o.props.error, lease, state);
    if (state !== 'initializing') throw malformed(`HttpNfcLease.state "${state ?? ''}"`);
    if (Date.now() - started > limitMs)
      throw new VendorError('LEASE_IDLE', [`${lease.value} still initializing after ${Math.round(limitMs / 1000)} s`]);
    await sleep(Math.min(POLL_MS, 25 * 2 ** poll), signal);
  }
}

/** The lease's `error` (a LocalizedMethodFault) as a VendorError with the fault type verbatim. */
function leaseError(error: unknown, lease: MoRef, state: string): VendorError {
  const e = asObject(error as never, 'HttpNfcLease.error');
  if (e.fault) return taskFaultError(e);
  return new VendorError('InvalidState', [`lease ${lease.value} is ${state}`]);
}

/** Reads HttpNfcLeaseInfo; a device URL without url or key is a malformed reply. */
export function parseLeaseInfo(v: unknown): LeaseInfo {
  const info = asObject(v as never, 'HttpNfcLease.info');
  const deviceUrls = asList(info.deviceUrl).map((d) => {
    const o = asObject(d, 'HttpNfcLeaseDeviceUrl');
    const url = optString(o.url, 'deviceUrl.url');
    if (!url) throw malformed('HttpNfcLeaseDeviceUrl without url');
    return {
      key: optString(o.key, 'deviceUrl.key') ?? '',
      importKey: optString(o.importKey, 'deviceUrl.importKey') ?? '',
      url,
      sslThumbprint: optString(o.sslThumbprint, 'deviceUrl.sslThumbprint') ?? '',
      disk: optBool(o.disk, 'deviceUrl.disk') ?? false,
      targetId: optString(o.targetId, 'deviceUrl.targetId') || undefined,
      fileSize: optNumber(o.fileSize, 'deviceUrl.fileSize'),
    };
  });
  return {
    entity: asMoRef(info.entity, 'HttpNfcLeaseInfo.entity'),
    deviceUrls,
    totalDiskCapacityInKB: optNumber(info.totalDiskCapacityInKB, 'totalDiskCapacityInKB') ?? 0,
    leaseTimeoutSeconds: optNumber(info.leaseTimeout, 'leaseTimeout') ?? 300,
  };
}

/**
 * A device URL made usable: a `*` host is the host the client connected to (API reference, HttpNfcLeaseDeviceUrl.url:
 * "If a '*' is returned the client must substitute '*' with the hostname or IP address used when connecting to the
 * server"). Only https is accepted. `sameHost`: the URL's origin is the connection's own — only then may the session
 * cookie go with the request (a lease URL naming another host gets no cookie: NFC URLs are ticket-based).
 */
export function resolveDeviceUrl(deviceUrl: string, connectionUrl: string): { url: string; sameHost: boolean } {
  const conn = new URL(connectionUrl);
  // `*` is not a valid URL host: replace it in the text, keeping any port the server gave.
  const text = deviceUrl.replace(
    /^(https?:\/\/)\*(?=[:/])/i,
    `$1${conn.hostname.includes(':') ? `[${conn.hostname}]` : conn.hostname}`,
  );
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw malformed(`lease device URL ${JSON.stringify(deviceUrl.slice(0, 200))} is not a URL`);
  }
  if (u.protocol !== 'https:' || u.username || u.password)
    throw malformed(`lease device URL ${JSON.stringify(deviceUrl.slice(0, 200))}: only plain https URLs are used`);
  if (u.port === '' && /^(https?:\/\/)\*\//i.test(deviceUrl)) u.port = conn.port;
  return { url: u.toString(), sameHost: u.origin === conn.origin };
}

/**
 * Keeps a ready lease alive: HttpNfcLeaseProgress(percent) every `min(2 s, leaseTimeout / 4)`. When a renewal fails
 * (the lease timed out: Timedout) the keeper's `signal` aborts, so the transfers stop, and `failure` says why.
 */
export class LeaseKeeper {
  private readonly controller = new AbortController();
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private inFlight: Promise<void> = Promise.resolve();
  failure?: Error;

  constructor(
    private readonly client: VimClient,
    private readonly lease: MoRef,
    info: LeaseInfo,
    private readonly percent: () => number,
    periodMs = Math.max(100, Math.min(KEEP_ALIVE_MS, (info.leaseTimeoutSeconds * 1000) / 4)),
  ) {
    this.timer = setInterval(() => this.renew(), periodMs);
  }

  /** Aborts when a renewal failed; combine it with the job's signal for the transfers. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  private renew(): void {
    if (this.stopped) return;
    const pct = Math.max(0, Math.min(100, Math.floor(this.percent())));
    this.inFlight = this.client.invoke('HttpNfcLeaseProgress', this.lease, `<percent>${pct}</percent>`).then(
      () => undefined,
      (err: unknown) => {
        if (this.stopped) return;
        this.failure = err as Error;
        this.stop();
        this.controller.abort(err);
      },
    );
  }

  /** Stops renewing (before Complete or Abort) and waits for a renewal still on the wire. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }
}

/** HttpNfcLeaseComplete. */
export async function completeLease(client: VimClient, lease: MoRef): Promise<void> {
  await client.invoke('HttpNfcLeaseComplete', lease);
}

/** HttpNfcLeaseAbort (never tied to a job's signal: a cancelled job must still release its lease); failures are returned, not thrown. */
export async function abortLease(client: VimClient, lease: MoRef): Promise<Error | undefined> {
  try {
    await client.invoke('HttpNfcLeaseAbort', lease);
    return undefined;
  } catch (err) {
    return err as Error;
  }
}

/** A signal that aborts when any of `signals` does (AbortSignal.any where the runtime has it). */
export function anySignal(...signals: AbortSignal[]): AbortSignal {
  const c = new AbortController();
  for (const s of signals) {
    if (s.aborted) {
      c.abort(s.reason);
      break;
    }
    s.addEventListener('abort', () => c.abort(s.reason), { once: true });
  }
  return c.signal;
}

/**
 * The error a transfer ended with, as the user should see it: a cancel stays a cancel; a lease that failed on its own
 * (it timed out: the server cut the transfer, or a renewal was refused) gives its own fault verbatim (Timedout), not
 * the cut it caused; else the error itself.
 */
export async function transferError(
  client: VimClient,
  lease: MoRef,
  err: unknown,
  keeper: LeaseKeeper | undefined,
  jobSignal: AbortSignal,
): Promise<unknown> {
  if (jobSignal.aborted) return err instanceof CancelledError ? err : new CancelledError();
  if (keeper?.failure) return keeper.failure;
  if (err instanceof VendorError) return err;
  try {
    const o = await retrieveObject(client, lease, ['state', 'error']);
    const state = optString(o?.props.state, 'HttpNfcLease.state');
    if (state === 'error' && o?.props.error !== undefined) return leaseError(o.props.error, lease, state);
  } catch {
    /* the lease cannot be read: the transfer's own error says what happened */
  }
  return err;
}

export interface LeaseRunOptions {
  /** The percent HttpNfcLeaseProgress reports at each renewal (0–100). */
  percent: () => number;
  /** Test hook: the renewal period, ms (default min(2 s, leaseTimeout / 4)). */
  keepAliveMs?: number;
}

/**
 * One transfer through an HttpNfcLease, export or import (the lifecycle of govmomi's nfc/lease.go and its
 * lease_updater.go): waits for the lease to be ready, keeps it alive while `transfer(info, signal)` runs (`signal`
 * aborts on the job's cancel or when a renewal fails), then HttpNfcLeaseComplete. On any failure or cancel the keeper
 * stops, HttpNfcLeaseAbort releases the lease (its own failure logged, not thrown) and the error as the user should see
 * it is thrown (transferError: the lease's own fault, such as Timedout, before the cut it caused).
 */
export async function withLease<T>(
  client: VimClient,
  lease: MoRef,
  ctx: JobContext,
  opts: LeaseRunOptions,
  transfer: (info: LeaseInfo, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  let keeper: LeaseKeeper | undefined;
  try {
    const info = await waitForLease(client, lease, ctx.signal);
    keeper = new LeaseKeeper(client, lease, info, opts.percent, opts.keepAliveMs);
    const result = await transfer(info, anySignal(ctx.signal, keeper.signal));
    await keeper.stop();
    ctx.log(`HttpNfcLeaseComplete ${lease.value}`);
    await completeLease(client, lease);
    return result;
  } catch (err) {
    await keeper?.stop();
    const reason = await transferError(client, lease, err, keeper, ctx.signal);
    const failed = await abortLease(client, lease);
    ctx.log(`HttpNfcLeaseAbort ${lease.value}${failed ? ` (${failed.message})` : ''}`);
    throw reason;
  }
}
