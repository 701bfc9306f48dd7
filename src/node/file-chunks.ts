import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { SourceError, throwIfAborted } from '../errors.js';
import { ioError } from './io-error.js';
import { kindOf, notRegular } from './open-checked.js';
import { closeAsync, fstatAsync, openAsync, readAsync } from './fs-async.js';

/**
 * Chunk size for a file that is hashed as it is read, synchronously (syncFileChunks): small enough
 * that the chunk the kernel just copied is still in the core's cache when the hasher reads it, on
 * hosts with a 512 KiB L2 as well as a 1 MiB one (larger reads ran up to 1.6x slower on the former).
 */
// Figures: bench/README.md, "describe"; reasons: docs/design.md.
export const FILE_HASH_CHUNK = 64 * 1024;

/**
 * A local file's bytes as chunks read synchronously into one recycled buffer: each chunk is valid
 * only until the next is asked for. Small synchronous reads cost a syscall each and no thread-pool
 * round trip (async 64 KiB reads measured 1.3-1.5x slower than sync ones), so this blocks the
 * thread it runs on: run it on a worker, or where blocking is fine (the CLI).
 */
export function* syncFileChunks(path: string, chunkSize: number, expectedSize?: number, opened?: number): Generator<Uint8Array> {
  let fd: number;
  try {
    fd = opened ?? openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw ioError(e, path);
  }
  try {
    // O_NONBLOCK above and this check: a FIFO or a device is refused, never read (or waited on).
    const st = fstatSync(fd);
    if (!st.isFile()) throw notRegular(path, kindOf(st));
    const size = expectedSize ?? st.size;
    const buffer = new Uint8Array(chunkSize);
    for (let pos = 0; pos < size;) {
      const want = Math.min(chunkSize, size - pos);
      let n = 0;
      while (n < want) {
        const got = readSync(fd, buffer, n, want - n, pos + n);
        if (got === 0) throw sizeChanged(path, `it ended at ${pos + n} bytes, before its size when opened`);
        n += got;
      }
      pos += n;
      yield buffer.subarray(0, n);
    }
    // A file that grew since its size was taken would be cut short silently: a change, like a shrink.
    if (expectedSize !== undefined && readSync(fd, buffer, 0, 1, size) > 0)
      throw sizeChanged(path, `it grew past its size when opened (${size} bytes)`);
  } finally {
    closeSync(fd);
  }
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
  /** A descriptor already open on `path` (openChecked), read and closed instead of opening the path again. */
  fd?: number;
}

/**
 * A local file's bytes as chunks from a ring of recycled buffers: the next read runs while the
 * caller works on the current chunk, and no memory is allocated per chunk (fresh multi-megabyte
 * buffers per read cost page faults and garbage collection).
 */
export async function* recycledFileChunks(path: string, options: RecycledChunkOptions): AsyncGenerator<Uint8Array> {
  const fd =
    options.fd ??
    (await openAsync(path, constants.O_RDONLY | constants.O_NONBLOCK).catch((e: unknown) => {
      throw ioError(e, path);
    }));
  try {
    const st = await fstatAsync(fd);
    if (!st.isFile()) throw notRegular(path, kindOf(st));
    const size = options.expectedSize ?? st.size;
    const ring = Array.from({ length: Math.max(2, options.buffers ?? 2) }, () => new Uint8Array(options.chunkSize));
    const readAt = (slot: number, pos: number) => readFull(fd, ring[slot]!, Math.min(options.chunkSize, size - pos), pos, path);
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
    await refuseGrowth(fd, size, path);
  } finally {
    await closeAsync(fd);
  }
}

async function readFull(fd: number, into: Uint8Array, length: number, position: number, path: string): Promise<number> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await readAsync(fd, into, done, length - done, position + done);
    if (bytesRead === 0) throw sizeChanged(path, `it ended at ${position + done} bytes, before its size when opened`);
    done += bytesRead;
  }
  return done;
}

/**
 * The size taken when the file was opened is the one a header or descriptor declares: a file that
 * grew since would be cut short silently, so one more byte past the end is a change, like a shrink.
 */
async function refuseGrowth(fd: number, size: number, path: string): Promise<void> {
  const { bytesRead } = await readAsync(fd, new Uint8Array(1), 0, 1, size);
  if (bytesRead > 0) throw sizeChanged(path, `it grew past its size when opened (${size} bytes)`);
}

function sizeChanged(path: string, what: string): SourceError {
  return new SourceError('SIZE_CHANGED', `${path}: ${what}; did it change while being read?`, {
    hint: 'let whatever writes this file finish, then run the command again',
  });
}
