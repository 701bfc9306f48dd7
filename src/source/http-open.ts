import type { ByteSource } from './byte-source.js';
import { HttpSource, type HttpSourceOptions } from './http-source.js';
import { LimitedSource } from './limited-source.js';
import { DEFAULT_RETRY, RetryingSource, withRetry, type RetryPolicy } from './retry.js';

export interface RemoteOptions extends HttpSourceOptions {
  retry?: RetryPolicy;
  /** Requests in flight at once. */
  maxInFlight?: number;
}

/** The opening range is kept in memory; reads past this much of it are requests of their own. */
const MAX_OPEN_RANGE = 4 * 1024 * 1024;

/**
 * The hardened remote source every reader uses: one opening request (retried) that pins size and
 * identity, then reads that are bounded in number in flight and retried with backoff.
 */
export async function openHttpSource(url: string, options: RemoteOptions = {}): Promise<ByteSource> {
  const retry = options.retry ?? DEFAULT_RETRY;
  const asked = options.openRange;
  const openRange: [number, number] | undefined = asked && [asked[0], Math.min(asked[1], MAX_OPEN_RANGE)];
  const http = await withRetry(() => HttpSource.open(url, { ...options, openRange }), retry, options.signal);
  return new RetryingSource(new LimitedSource(http, options.maxInFlight ?? 4), retry);
}
