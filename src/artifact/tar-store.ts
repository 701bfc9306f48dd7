import type { ByteSource } from '../source/byte-source.js';
import { BlockCache } from '../source/block-cache.js';
import { readChunks } from '../source/chunks.js';
import { SharedWork } from '../source/shared-work.js';
import { AbortError, TarFormatError, UsageError } from '../errors.js';
import type { FileIndex } from '../tar/entry.js';
import { fileIndexOf, lastWins, rangeIn } from '../tar/file-index.js';
import { walkTar, type WalkResult } from '../tar/walk.js';
import type { TarLimits } from '../tar/limits.js';
import type { MemberInfo, MemberStore } from './member-store.js';
import { MANIFEST } from './root-files.js';

export interface TarStoreOptions {
  /** A file_index known in advance (as the registry stores it): members are read without a walk. */
  index?: FileIndex;
  limits?: Partial<TarLimits>;
}

/**
 * Members of a tar behind a byte source. With a given index it never walks: a member read is one
 * read of exactly its range. Without one, the header walk runs once, on first need.
 */
export class TarStore implements MemberStore {
  private walked?: SharedWork<WalkResult>;
  private index?: FileIndex;

  constructor(
    readonly source: ByteSource,
    private readonly options: TarStoreOptions = {},
  ) {
    if (options.index) this.index = checkIndex(options.index, source);
  }

  get label(): string {
    return this.source.label;
  }

  /** A member is one read of the source, so it is the caller's when the source's reads are fresh. */
  get handsOverReads(): boolean {
    return this.source.freshReads === true;
  }

  /**
   * The header walk (cached); also what appenders need for the end offset. Concurrent callers share
   * one walk that stops only when all of them abort; a failed walk is forgotten, so the next call
   * walks again.
   */
  walk(signal?: AbortSignal): Promise<WalkResult> {
    if (signal?.aborted) return Promise.reject(new AbortError());
    if (!this.walked || this.walked.abandoned) {
      const walked = new SharedWork((shared) => walkTar(this.source, { limits: this.options.limits, signal: shared }), !signal);
      walked.onFailure(() => {
        if (this.walked === walked) this.walked = undefined;
      });
      this.walked = walked;
    }
    return this.walked.join(signal);
  }

  async fileIndex(signal?: AbortSignal): Promise<FileIndex> {
    this.index ??= fileIndexOf((await this.walk(signal)).entries);
    return this.index;
  }

  async members(signal?: AbortSignal): Promise<MemberInfo[]> {
    if (this.options.index) {
      return Object.entries(this.options.index).map(([name, [dataOffset, size]]) => ({ name, size, dataOffset, kind: 'file' }));
    }
    const { entries } = await this.walk(signal);
    return lastWins(entries).map((e) => ({ name: e.name, size: e.size, kind: e.kind, dataOffset: e.dataOffset }));
  }

  async sizeOf(name: string, signal?: AbortSignal): Promise<number | undefined> {
    return rangeIn(await this.fileIndex(signal), name)?.[1];
  }

  async read(name: string, signal?: AbortSignal): Promise<Uint8Array> {
    const [offset, size] = await this.rangeOf(name, signal);
    return this.source.read(offset, size, signal);
  }

  async *stream(name: string, options: { signal?: AbortSignal; chunkSize?: number } = {}): AsyncIterable<Uint8Array> {
    const [offset, size] = await this.rangeOf(name, options.signal);
    yield* readChunks(this.source, offset, size, options);
  }

  close(): Promise<void> {
    return this.source.close?.() ?? Promise.resolve();
  }

  private async rangeOf(name: string, signal?: AbortSignal): Promise<[number, number]> {
    const range = rangeIn(await this.fileIndex(signal), name);
    if (!range) throw new UsageError('NO_SUCH_MEMBER', `no regular file named "${name}" in ${this.label}`, { member: name });
    return range;
  }
}

/**
 * A tar store over a raw source, on every platform alike. Without an index, reads go through a
 * block cache so the header walk costs a few large reads; with one, every member read is one
 * read of exactly its range, so no cache widens it.
 */
export function tarStoreOver(source: ByteSource, options: TarStoreOptions = {}): TarStore {
  return new TarStore(options.index ? source : new BlockCache(source), options);
}

/**
 * What a reader with a known index reads first: manifest.json's range. A remote source opened
 * with it (openHttpSource's `openRange`) serves the manifest from its one opening request.
 */
export function openingRange(index: FileIndex | undefined): [number, number] | undefined {
  const manifest = index?.[MANIFEST];
  return manifest && manifest[1] > 0 ? [manifest[0], manifest[1]] : undefined;
}

/** A given index is input too: every range must lie inside the source. */
function checkIndex(index: FileIndex, source: ByteSource): FileIndex {
  const checked: FileIndex = Object.create(null) as FileIndex;
  for (const [name, range] of Object.entries(index)) {
    const ok =
      Array.isArray(range) &&
      range.length === 2 &&
      range.every((n) => Number.isSafeInteger(n) && n >= 0) &&
      range[0] + range[1] <= source.byteLength;
    if (!ok) {
      throw new TarFormatError('BAD_INDEX', `file_index entry ${JSON.stringify(range)} is not a range inside ${source.label}`, {
        member: name,
      });
    }
    checked[name] = [range[0], range[1]];
  }
  return checked;
}
