import { BlobSource } from '../source/blob-source.js';
import { corsAwareFetch } from './cors-fetch.js';
import { openHttpSource, type RemoteOptions } from '../source/http-open.js';
import { openingRange, tarStoreOver, type TarStore, type TarStoreOptions } from '../artifact/tar-store.js';

/** A local file as a tar store: the header walk costs a few slices of the file, never a load of the whole. */
export function openBlob(blob: Blob, options: TarStoreOptions = {}): TarStore {
  return tarStoreOver(new BlobSource(blob), options);
}

/**
 * An artifact behind a (presigned) URL, read by Range requests only, through the same hardened
 * source as Node (retries with backoff, a bound on requests in flight, identity pinned). With a
 * known index, the opening request fetches manifest.json's range. A reply the browser withholds
 * for CORS fails at once with CORS_BLOCKED, naming the headers the server must send.
 */
export async function openUrl(url: string, options: Omit<RemoteOptions, 'openRange'> & TarStoreOptions = {}): Promise<TarStore> {
  const fetch = corsAwareFetch(options.fetch);
  const source = await openHttpSource(url, { ...options, fetch, openRange: openingRange(options.index) });
  return tarStoreOver(source, options);
}
