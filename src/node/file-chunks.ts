import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { SourceError, throwIfAborted } from '../errors.js';
import { ioError } from './file-source.js';

/**
 * Chunk size for a file that is hashed as it is read, synchronously (syncFileChunks): small enough
 * that the chunk the kernel just copied is still in the core's L1/L2 cache when the hasher reads it,
 * on any host. Measured (1 GiB in the page cache, a readSync + createHash loop, whole processes):
 * on a core with a 512 KiB L2, 64 KiB ran at openssl dgst's speed and 256 KiB / 1 MiB 1.5-1.6x
 * slower (sys CPU 0.15 s against 0.67-0.74 s); on a core with a 1 MiB L2, 16 KiB to 1 MiB all ran
 * at openssl's speed. 64 KiB is the size that wins on both (docs/pending/i16-design.md).
 */
export const FILE_HASH_CHUNK = 64 * 1024;

/**
 * A local file's bytes as chunks read synchronously into one recycled buffer: each chunk is valid
 * only until the next is asked for. Small synchronous reads cost a syscall each and no thread-pool
 * round trip (async 64 KiB reads measured 1.3-1.5x slower than sync ones), so this blocks the
 * thread it runs on: run it on a worker, or where blocking is fine (the CLI).
 */
export function* syncFileChunks(path: string, chunkSize: number, expectedSize?: number): Generator<Uint8Array> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw ioError(e, path);
  }
  try {
    const size = expectedSize ?? fstatSync(fd).size;
    const buffer = new Uint8Array(chunkSize);
    for (let pos = 0; pos < size; ) {
      const want = Math.min(chunkSize, size - pos);
      let n = 0;
      while (n < want) {
        const got = readSync(fd, buffer, n, want - n, pos + n);
        if (got === 0) throw shortRead(path, pos + n);
        n += got;
      }
      pos += n;
      yield buffer.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

function shortRead(path: string, at: number): SourceError {
  return new SourceError('SHORT_READ', `${path}: ended at ${at} bytes, before its size when opened; did it change while being read?`);
}

export interface RecycledChunkOptions {
  chunkSize: number;
  /**
   * Buffers in the ring (default 2). Chunk j stays intact until chunk j + buffers - 1 is asked
   * for: with 2, consume each chunk before asking for the next; with 3, a chunk
   * may still be in flight to a writer while the next one is hashed (the packer, when not blocking).
   */
  buffers?: number;
  signal?: AbortSignal;
  expectedSize?: number;
}

/**
 * A local file's bytes as chunks from a ring of recycled buffers: the next read runs while the
 * caller works on the current chunk, and no memory is allocated per chunk (fresh multi-megabyte
 * buffers per read cost page faults and garbage collection: measured here at a third of the speed).
 */
export async function* recycledFileChunks(path: string, options: RecycledChunkOptions): AsyncGenerator<Uint8Array> {
  const handle = await open(path, 'r').catch((e: unknown) => {
    throw ioError(e, path);
  });
  try {
    const size = options.expectedSize ?? (await handle.stat()).size;
    const ring = Array.from({ length: Math.max(2, options.buffers ?? 2) }, () => new Uint8Array(options.chunkSize));
    const readAt = (slot: number, pos: number) => readFull(handle, ring[slot]!, Math.min(options.chunkSize, size - pos), pos, path);
    let slot = 0;
    let pos = 0;
    let pending = size > 0 ? readAt(0, 0) : undefined;
    while (pending) {
      throwIfAborted(options.signal);
      const n = await pending;
      const chunk = ring[slot]!.subarray(0, n);
      pos += n;
      slot = (slot + 1) % ring.length;
      pending = pos < size ? readAt(slot, pos) : undefined;
      pending?.catch(() => undefined);
      yield chunk;
    }
  } finally {
    await handle.close();
  }
}

async function readFull(handle: import('node:fs/promises').FileHandle, into: Uint8Array, length: number, position: number, path: string): Promise<number> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(into, done, length - done, position + done);
    if (bytesRead === 0) {
      throw shortRead(path, position + done);
    }
    done += bytesRead;
  }
  return done;
}
