// Retry with exponential backoff for transient failures (like VCB's MAX_RETRIES / BACKOFF_TIME).
import { CancelledError, VendorError, isCancel } from './errors';

export interface RetryPolicy {
  maxRetries: number;
  backoffSeconds: number;
}
export const defaultRetryPolicy: RetryPolicy = { maxRetries: 2, backoffSeconds: 2 };

/** Vendor errors are answers, not accidents: retrying them would repeat the same refusal. */
export function isTransient(err: unknown): boolean {
  if (isCancel(err) || err instanceof VendorError) return false;
  const e = err as { code?: string; response?: { status?: number } };
  if (e.response?.status !== undefined) return e.response.status >= 500 && e.response.status !== 501;
  return [
    'ECONNRESET',
    'ECONNREFUSED',
    'ETIMEDOUT',
    'EPIPE',
    'ECONNABORTED',
    'ERR_STREAM_PREMATURE_CLOSE',
    'EAI_AGAIN',
    'ERR_TRUNCATED_STREAM',
    'ERR_STREAM_STALLED',
  ].includes(e.code ?? '');
}

export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  signal?: AbortSignal,
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= policy.maxRetries || !isTransient(err) || signal?.aborted) throw err;
      const delayMs = policy.backoffSeconds * 1000 * 2 ** attempt;
      onRetry?.(err, attempt + 1, delayMs);
      await sleep(delayMs, signal);
    }
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError());
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new CancelledError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
