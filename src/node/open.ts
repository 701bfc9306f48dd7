import { stat } from 'node:fs/promises';
import { BlockCache } from '../source/block-cache.js';
import type { ByteSource } from '../source/byte-source.js';
import { HttpSource } from '../source/http-source.js';
import { TarStore } from '../artifact/tar-store.js';
import type { MemberStore } from '../artifact/member-store.js';
import type { FileIndex } from '../tar/entry.js';
import type { TarLimits } from '../tar/limits.js';
import { DirStore } from './dir-store.js';
import { FileSource, ioError } from './file-source.js';

export interface OpenOptions {
  index?: FileIndex;
  limits?: Partial<TarLimits>;
  signal?: AbortSignal;
  /** Wraps the raw source (before the cache): how tests and benches count reads. */
  wrap?: (source: ByteSource) => ByteSource;
}

export function isUrl(target: string): boolean {
  return /^https?:\/\//i.test(target);
}

/** A byte source for a path or an http(s) URL, without the cache. */
export async function openSource(target: string, signal?: AbortSignal): Promise<ByteSource> {
  return isUrl(target) ? HttpSource.open(target, { signal }) : FileSource.open(target);
}

/**
 * Opens an artifact wherever it is: a directory (the directory form), a tar file, or a URL.
 * Tar sources go through a block cache so the header walk costs few large reads.
 */
export async function openStore(target: string, options: OpenOptions = {}): Promise<MemberStore> {
  if (!isUrl(target)) {
    const st = await stat(target).catch((e: unknown) => {
      throw ioError(e, target);
    });
    if (st.isDirectory()) return new DirStore(target);
  }
  const raw = await openSource(target, options.signal);
  const source = new BlockCache(options.wrap ? options.wrap(raw) : raw);
  return new TarStore(source, { index: options.index, limits: options.limits });
}
