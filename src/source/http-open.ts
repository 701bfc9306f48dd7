import type { ByteSource } from './byte-source.js';
import { HttpSource, type HttpSourceOptions } from './http-source.js';
import { LimitedSource } from './limited-source.js';
import { DEFAULT_RETRY, RetryingSource, withRetry, type RetryPolicy } from './retry.js';
import type { FileIndex } from '../tar/entry.js';

export interface RemoteOptions extends HttpSourceOptions {
  retry?: RetryPolicy;
  /** Requests in flight at once. */
  maxInFlight?: number;
  /**
   * A known file_index: the opening request then fetches manifest.json's range (capped), so
   * reading it costs exactly that one request and no probe goes before it.
   */
  index?: FileIndex;
}

/** The opening range is kept in memory; a manifest bigger than this is read by a second request. */
const MAX_OPEN_RANGE = 4 * 1024 * 1024;

/**
 * The hardened remote source every reader uses: one opening request (retried) that pins size and
 * identity, then reads that are bounded in number in flight and retried with backoff.
 */
export async function openHttpSource(url: string, options: RemoteOptions = {}): Promise<ByteSource> {
  const retry = options.retry ?? DEFAULT_RETRY;
  const manifest = options.index?.['manifest.json'];
  const openRange: [number, number] | undefined =
    options.openRange ?? (manifest && manifest[1] > 0 ? [manifest[0], Math.min(manifest[1], MAX_OPEN_RANGE)] : undefined);
  const http = await withRetry(() => HttpSource.open(url, { ...options, openRange }), retry, options.signal);
  return new RetryingSource(new LimitedSource(http, options.maxInFlight ?? 4), retry);
}
