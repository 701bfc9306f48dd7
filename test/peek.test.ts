/**
 * ByteSource.peek: bytes a source already holds, at once. The block cache answers from blocks it
 * has read; the header walk peeks before it reads, so walking cached blocks reads nothing again;
 * peekFirst reads a raw source except for what its cache holds. Reads are counted on the source
 * under the cache (CountingSource).
 */
import { describe, expect, it } from 'vitest';
import { BlockCache } from '../src/source/block-cache.js';
import { CountingSource } from '../src/source/counting-source.js';
import { MemorySource } from '../src/source/memory-source.js';
import { peekFirst } from '../src/source/peek-first.js';
import { walkTar } from '../src/tar/walk.js';
import { END, concat, file } from './helpers/hostile-tar.js';

const bytes = Uint8Array.from({ length: 200_000 }, (_, i) => i % 251);

describe('BlockCache.peek', () => {
  it('gives the bytes of a block already read, without a read; nothing for a block not read yet', async () => {
    const inner = new CountingSource(new MemorySource(bytes));
    const cache = new BlockCache(inner, { blockSize: 4096 });
    expect(cache.peek(10, 20)).toBeUndefined();
    await cache.read(0, 1);
    const reads = inner.reads;
    expect([...cache.peek(10, 20)!]).toEqual([...bytes.subarray(10, 30)]);
    expect(cache.peek(5000, 10)).toBeUndefined();
    expect(inner.reads).toBe(reads);
  });

  it('does not answer across two blocks, nor while the block is still being read, nor for an empty range', async () => {
    const cache = new BlockCache(new MemorySource(bytes), { blockSize: 4096 });
    const pending = cache.read(0, 8192);
    expect(cache.peek(0, 10)).toBeUndefined(); // asked for, not yet there
    await pending;
    expect(cache.peek(4090, 10)).toBeUndefined();
    expect(cache.peek(100, 0)).toBeUndefined();
  });

  it('checks the range as a read does', () => {
    const cache = new BlockCache(new MemorySource(bytes));
    expect(() => cache.peek(bytes.length - 1, 2)).toThrow(/runs past the end/);
  });
});

describe('walkTar over a block cache', () => {
  it('waits on a read only where the cache misses: the other headers are peeked at', async () => {
    const tar = concat([...Array.from({ length: 40 }, (_, i) => file(`m${i}.json`, new Uint8Array(100))).flat(), END]);
    const inner = new CountingSource(new MemorySource(tar));
    const cache = new BlockCache(inner, { blockSize: 4096 });
    const read = cache.read.bind(cache);
    let cacheReads = 0;
    cache.read = (offset, length, signal) => (cacheReads++, read(offset, length, signal));
    const { entries } = await walkTar(cache);
    expect(entries).toHaveLength(40);
    const blocks = Math.ceil(tar.length / 4096);
    expect(inner.reads).toBe(blocks);
    expect(cacheReads).toBe(blocks); // one per block, not one per header (41)
  });
});

describe('peekFirst', () => {
  it('reads the raw source, except for the bytes the cache holds', async () => {
    const raw = new CountingSource(new MemorySource(bytes));
    const cache = new BlockCache(new MemorySource(bytes), { blockSize: 4096 });
    const source = peekFirst(raw, cache);
    await cache.read(0, 1);
    expect([...(await source.read(100, 50))]).toEqual([...bytes.subarray(100, 150)]);
    expect(raw.reads).toBe(0);
    expect([...(await source.read(10_000, 50))]).toEqual([...bytes.subarray(10_000, 10_050)]);
    expect(raw.log).toEqual([[10_000, 50]]);
  });

  it('honours an aborted signal even when the cache holds the bytes', async () => {
    const cache = new BlockCache(new MemorySource(bytes));
    await cache.read(0, 1);
    const source = peekFirst(new MemorySource(bytes), cache);
    await expect(source.read(0, 10, AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
  });
});
