import type { ByteSource } from '../source/byte-source.js';
import { readChunks } from '../source/chunks.js';
import { TarFormatError, UsageError } from '../errors.js';
import type { FileIndex } from '../tar/entry.js';
import { fileIndexOf, lastWins, rangeIn } from '../tar/file-index.js';
import { walkTar, type WalkResult } from '../tar/walk.js';
import type { TarLimits } from '../tar/limits.js';
import type { MemberInfo, MemberStore } from './member-store.js';

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
  private walked?: Promise<WalkResult>;
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

  /** The header walk (cached); also what appenders need for the end offset. */
  walk(signal?: AbortSignal): Promise<WalkResult> {
    this.walked ??= walkTar(this.source, { limits: this.options.limits, signal });
    return this.walked;
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
