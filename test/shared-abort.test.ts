/**
 * Work shared by several callers (a cached block, the header walk) survives one caller aborting,
 * stops only when all of them have, and a failure is never cached (as PMTiles' abort tests pin
 * its SharedPromiseCache).
 */
import { describe, expect, it } from 'vitest';
import { BlockCache } from '../src/source/block-cache.js';
import { CountingSource } from '../src/source/counting-source.js';
import { MemorySource } from '../src/source/memory-source.js';
import type { ByteSource } from '../src/source/byte-source.js';
import { SourceError } from '../src/errors.js';
import { TarStore } from '../src/artifact/tar-store.js';
import { GatedSource, settle } from './helpers/gated-source.js';
import { END, concat, craftMember } from './helpers/foreign-craft.js';

const bytes = Uint8Array.from({ length: 4096 }, (_, i) => i % 251);
const code = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: { code?: string }) => e.code,
  );

function gatedCache() {
  const gated = new GatedSource(bytes);
  const counted = new CountingSource(gated);
  return { gated, counted, cache: new BlockCache(counted, { blockSize: 1024 }) };
}

describe('BlockCache: a block shared by several readers', { timeout: 10_000 }, () => {
  it('reader A aborting fails only A: reader B still gets the bytes, from the one inner read', async () => {
    const { gated, counted, cache } = gatedCache();
    const a = new AbortController();
    const b = new AbortController();
    const readA = cache.read(10, 100, a.signal);
    const readB = cache.read(50, 100, b.signal);
    a.abort();
    expect(await code(readA)).toBe('ABORTED');
    expect(gated.signals[0]!.aborted).toBe(false);
    gated.open();
    expect(await readB).toEqual(bytes.slice(50, 150));
    expect(counted.reads).toBe(1);
  });

  it('when every reader aborts, the inner read is aborted and the block is read afresh next time', async () => {
    const { gated, counted, cache } = gatedCache();
    const a = new AbortController();
    const b = new AbortController();
    const reads = [cache.read(0, 10, a.signal), cache.read(20, 10, b.signal)];
    a.abort();
    expect(gated.signals[0]!.aborted).toBe(false);
    b.abort();
    expect(gated.signals[0]!.aborted).toBe(true);
    expect(await Promise.all(reads.map(code))).toEqual(['ABORTED', 'ABORTED']);
    await settle();
    gated.open();
    expect(await cache.read(0, 10)).toEqual(bytes.slice(0, 10));
    expect(counted.reads).toBe(2);
  });

  it('a reader without a signal pins the shared read: it runs with no signal, and the others aborting does not stop it', async () => {
    const { gated, counted, cache } = gatedCache();
    const a = new AbortController();
    const pinned = cache.read(0, 10);
    const readA = cache.read(0, 10, a.signal);
    a.abort();
    expect(await code(readA)).toBe('ABORTED');
    // Started by a reader that can never abort, the read has nothing to listen to (start-up cost).
    expect(gated.signals).toEqual([undefined]);
    gated.open();
    expect(await pinned).toEqual(bytes.slice(0, 10));
    expect(counted.reads).toBe(1);
  });

  it('a block read that completed is served after its reader aborts later', async () => {
    const { gated, counted, cache } = gatedCache();
    gated.open();
    const a = new AbortController();
    expect(await cache.read(0, 10, a.signal)).toEqual(bytes.slice(0, 10));
    a.abort();
    expect(await cache.read(5, 10)).toEqual(bytes.slice(5, 15));
    expect(counted.reads).toBe(1);
  });
});

describe('TarStore: the header walk', { timeout: 10_000 }, () => {
  const tar = concat(craftMember('{}', { name: 'manifest.json' }), craftMember('[]', { name: 'ops.json' }), END);

  it('after an aborted members(), the next call walks again and works', async () => {
    const gated = new GatedSource(tar);
    const store = new TarStore(gated);
    const a = new AbortController();
    const first = store.members(a.signal);
    a.abort();
    expect(await code(first)).toBe('ABORTED');
    gated.open();
    expect((await store.members()).map((m) => m.name)).toEqual(['manifest.json', 'ops.json']);
  });

  it('a walk started by a caller without a signal reads with none: nothing can abort it, so nothing listens', async () => {
    const gated = new GatedSource(tar);
    gated.open();
    const store = new TarStore(gated);
    expect((await store.members()).map((m) => m.name)).toEqual(['manifest.json', 'ops.json']);
    expect(gated.signals.length).toBeGreaterThan(0);
    expect(gated.signals.filter((s) => s !== undefined)).toEqual([]);
  });

  it('a walk that failed is not cached: the next call walks again', async () => {
    const inner = new MemorySource(tar);
    let failures = 1;
    const flaky: ByteSource = {
      byteLength: inner.byteLength,
      label: 'flaky',
      read: (offset, length, signal) =>
        failures-- > 0 ? Promise.reject(new SourceError('NETWORK_ERROR', 'connection reset')) : inner.read(offset, length, signal),
    };
    const store = new TarStore(flaky);
    expect(await code(store.members())).toBe('NETWORK_ERROR');
    expect((await store.members()).map((m) => m.name)).toEqual(['manifest.json', 'ops.json']);
  });

  it('two callers share one walk: A aborting leaves B its members, and the source is walked once', async () => {
    const gated = new GatedSource(tar);
    const counted = new CountingSource(gated);
    const store = new TarStore(counted);
    const a = new AbortController();
    const b = new AbortController();
    const membersA = store.members(a.signal);
    const membersB = store.members(b.signal);
    a.abort();
    expect(await code(membersA)).toBe('ABORTED');
    gated.open();
    expect((await membersB).map((m) => m.name)).toEqual(['manifest.json', 'ops.json']);
    const walkReads = counted.reads;
    await store.members();
    expect(counted.reads).toBe(walkReads);
    expect(gated.signals.every((s) => s?.aborted === false)).toBe(true);
  });

  it('when every caller aborts, the walk stops reading', async () => {
    const gated = new GatedSource(tar);
    const store = new TarStore(gated);
    const a = new AbortController();
    const pending = store.members(a.signal);
    a.abort();
    expect(await code(pending)).toBe('ABORTED');
    expect(gated.signals.at(-1)!.aborted).toBe(true);
  });
});
