import { BlobSource } from '../source/blob-source.js';
import { BlockCache } from '../source/block-cache.js';
import { HttpSource, type HttpSourceOptions } from '../source/http-source.js';
import { TarStore, type TarStoreOptions } from '../artifact/tar-store.js';

/**
 * A local file as a tar store. Small reads (headers, JSON members) go through a block cache so the
 * header walk costs a few slices of the file, never a load of the whole.
 */
export function openBlob(blob: Blob, options: TarStoreOptions = {}): TarStore {
  return new TarStore(new BlockCache(new BlobSource(blob)), options);
}

/** An artifact behind a (presigned) URL, read by Range requests only. */
export async function openUrl(url: string, options: HttpSourceOptions & TarStoreOptions = {}): Promise<TarStore> {
  const source = await HttpSource.open(url, options);
  return new TarStore(new BlockCache(source), options);
}
