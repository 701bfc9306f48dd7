import { checkRange, type ByteSource } from './byte-source.js';
import { SharedWork } from './shared-work.js';
import { throwIfAborted } from '../errors.js';

export interface BlockCacheOptions {
  /** Size of one cached block; reads are widened to whole blocks. */
  blockSize?: number;
  /** How many blocks are kept (least recently used are dropped). */
  maxBlocks?: number;
  /** Reads at least this long go straight to the inner source and are not cached. */
  bypassAbove?: number;
}

/**
 * Widens small reads to aligned blocks and keeps recent blocks, so walking many tar headers or
 * reading many small members costs a few large reads instead of many tiny ones. Missing blocks
 * that touch are fetched in one read. Large reads pass through untouched so streaming a big
 * member never churns the cache or holds it in memory.
 *
 * A block several readers wait for is read once on a signal of its own: one reader aborting
 * releases only that reader, and the read is aborted when all of them have (see SharedWork).
 */
export class BlockCache implements ByteSource {
  private readonly blockSize: number;
  private readonly maxBlocks: number;
  private readonly bypassAbove: number;
  private readonly blocks = new Map<number, CachedBlock>();

  constructor(
    private readonly inner: ByteSource,
    options: BlockCacheOptions = {},
  ) {
    this.blockSize = options.blockSize ?? 64 * 1024;
    this.maxBlocks = options.maxBlocks ?? 64;
    this.bypassAbove = options.bypassAbove ?? 4 * this.blockSize;
  }

  get byteLength(): number {
    return this.inner.byteLength;
  }
  get label(): string {
    return this.inner.label;
  }

  async read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    checkRange(this, offset, length);
    // Checked before any read starts: a read nobody waits for would only warm the cache.
    throwIfAborted(signal);
    if (length === 0) return new Uint8Array(0);
    if (length >= this.bypassAbove) return this.inner.read(offset, length, signal);
    const first = Math.floor(offset / this.blockSize);
    const last = Math.floor((offset + length - 1) / this.blockSize);
    this.fetchMissing(first, last, signal === undefined);
    // Most reads (a header, a small member) lie in one block: no joins to share.
    if (first === last) {
      const block = this.touch(first);
      return this.view(block, await block.run.join(signal), offset, length);
    }
    const blocks = range(first, last).map((i) => this.touch(i));
    // One join per run, however many of its blocks this read needs.
    const joined = new Map<SharedWork<Uint8Array>, Promise<Uint8Array>>();
    for (const b of blocks) if (!joined.has(b.run)) joined.set(b.run, b.run.join(signal));
    const parts = await Promise.all(
      blocks.map(async (b) => {
        const run = await joined.get(b.run)!;
        return run.subarray(b.from, Math.min(b.from + this.blockSize, run.length));
      }),
    );
    return assemble(parts, offset - first * this.blockSize, length);
  }

  /** The bytes, when they lie in one block already read (a header, a small member); see ByteSource.peek. */
  peek(offset: number, length: number): Uint8Array | undefined {
    checkRange(this, offset, length);
    const first = Math.floor(offset / this.blockSize);
    if (length === 0 || length >= this.bypassAbove || first !== Math.floor((offset + length - 1) / this.blockSize)) return undefined;
    const block = this.blocks.get(first);
    const run = block?.run.done?.value;
    if (!block || !run) return undefined;
    this.touch(first);
    return this.view(block, run, offset, length);
  }

  /** `length` bytes at `offset` of the file, from the run that holds `block` (the range lies in that block). */
  private view(block: CachedBlock, run: Uint8Array, offset: number, length: number): Uint8Array {
    const skip = block.from + (offset % this.blockSize);
    return run.subarray(skip, skip + length);
  }

  close(): Promise<void> {
    this.blocks.clear();
    return this.inner.close?.() ?? Promise.resolve();
  }

  /** Starts one inner read per run of adjacent missing blocks (`pinned`: for a reader without a signal). */
  private fetchMissing(first: number, last: number, pinned: boolean): void {
    let runStart = -1;
    for (let i = first; i <= last + 1; i++) {
      const cached = this.blocks.get(i);
      // A run every reader gave up on is aborted: read its blocks afresh.
      const missing = i <= last && (cached === undefined || cached.run.abandoned);
      if (missing && runStart < 0) runStart = i;
      if (!missing && runStart >= 0) {
        this.fetchRun(runStart, i - 1, pinned);
        runStart = -1;
      }
    }
  }

  private fetchRun(first: number, last: number, pinned: boolean): void {
    const start = first * this.blockSize;
    const end = Math.min((last + 1) * this.blockSize, this.byteLength);
    const run = new SharedWork((signal) => this.inner.read(start, end - start, signal), pinned);
    const blocks: Array<[number, CachedBlock]> = [];
    for (let i = first; i <= last; i++) {
      const block = { run, from: (i - first) * this.blockSize };
      this.blocks.set(i, block);
      blocks.push([i, block]);
    }
    // A failed or aborted read must not poison the cache: drop its blocks so a later read retries.
    run.onFailure(() => {
      for (const [i, block] of blocks) if (this.blocks.get(i) === block) this.blocks.delete(i);
    });
    this.evict();
  }

  private touch(i: number): CachedBlock {
    const block = this.blocks.get(i)!;
    this.blocks.delete(i);
    this.blocks.set(i, block);
    return block;
  }

  private evict(): void {
    while (this.blocks.size > this.maxBlocks) {
      const oldest = this.blocks.keys().next().value as number;
      this.blocks.delete(oldest);
    }
  }
}

/** A block is a slice of the run read that fetched it. */
interface CachedBlock {
  run: SharedWork<Uint8Array>;
  from: number;
}

function range(first: number, last: number): number[] {
  return Array.from({ length: last - first + 1 }, (_, k) => first + k);
}

function assemble(parts: Uint8Array[], skip: number, length: number): Uint8Array {
  if (parts.length === 1) return parts[0]!.subarray(skip, skip + length);
  const out = new Uint8Array(length);
  let written = 0;
  for (const part of parts) {
    const slice = part.subarray(skip, skip + (length - written));
    out.set(slice, written);
    written += slice.length;
    skip = 0;
  }
  return out;
}
