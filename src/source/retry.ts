import type { ByteSource } from './byte-source.js';
import { AbortError, FnnxError, throwIfAborted } from '../errors.js';
import { HttpStatusError } from './http-request.js';

/**
 * When and how long to wait before trying a failed request again: exponential backoff with full
 * jitter (so many clients do not retry in step), a bounded number of times, and the server's
 * `Retry-After` honoured (up to a cap).
 */
export interface RetryPolicy {
  /** Attempts after the first one. */
  retries: number;
  /** Backoff before retry k (0-based) is random in [0, min(maxDelayMs, baseDelayMs * 2^k)]. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A longer Retry-After than this is cut to it. */
  maxRetryAfterMs: number;
  /** Source of jitter in [0, 1); tests pass a fixed one. */
  random?: () => number;
  /** Called before each wait (for logs, counters and tests). */
  onRetry?: (info: { attempt: number; delayMs: number; error: FnnxError }) => void;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 5, baseDelayMs: 200, maxDelayMs: 10_000, maxRetryAfterMs: 60_000 };

/** Failures that a later attempt may not meet: the network, timeouts, 5xx, 429, 408. */
export function isRetriable(e: unknown): e is FnnxError {
  if (e instanceof HttpStatusError) return e.status >= 500 || e.status === 429 || e.status === 408;
  return e instanceof FnnxError && (e.code === 'NETWORK_ERROR' || e.code === 'TIMEOUT' || e.code === 'SHORT_READ');
}

export function retryDelay(attempt: number, policy: RetryPolicy, error: unknown): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  const backoff = Math.floor((policy.random ?? Math.random)() * ceiling);
  const asked = error instanceof HttpStatusError ? error.retryAfterMs : undefined;
  return asked === undefined ? backoff : Math.max(backoff, Math.min(asked, policy.maxRetryAfterMs));
}

/** Runs `fn` until it succeeds, fails with something not retriable, or runs out of retries. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, policy: RetryPolicy, signal?: AbortSignal): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    throwIfAborted(signal);
    try {
      return await fn(attempt);
    } catch (e) {
      if (!isRetriable(e) || attempt >= policy.retries) throw e;
      const delayMs = retryDelay(attempt, policy, e);
      policy.onRetry?.({ attempt: attempt + 1, delayMs, error: e });
      await sleep(delayMs, signal);
    }
  }
}

/** A wait that an AbortSignal cuts short. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Any byte source whose reads are retried under a policy (remote ones, in practice). */
export class RetryingSource implements ByteSource {
  constructor(
    private readonly inner: ByteSource,
    private readonly policy: RetryPolicy = DEFAULT_RETRY,
  ) {}

  get byteLength(): number {
    return this.inner.byteLength;
  }
  get label(): string {
    return this.inner.label;
  }

  read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    return withRetry(() => this.inner.read(offset, length, signal), this.policy, signal);
  }

  close(): Promise<void> {
    return this.inner.close?.() ?? Promise.resolve();
  }
}
