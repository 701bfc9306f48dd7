import { open } from 'node:fs/promises';
import { SourceError, throwIfAborted } from '../errors.js';
import { ioError } from './file-source.js';

/**
 * Chunk size for reading a local file that is hashed as it is read: small enough that a chunk is
 * still in the core's L2 cache when the hasher reaches it (1 MiB beat 8 MiB).
 */
// Figures: bench/README.md, "describe".
export const FILE_HASH_CHUNK = 1 << 20;

export interface RecycledChunkOptions {
  chunkSize: number;
  /**
   * Buffers in the ring (default 2). Chunk j stays intact until chunk j + buffers - 1 is asked
   * for: with 2, consume each chunk before asking for the next (the describer); with 3, a chunk
   * may still be in flight to a writer while the next one is hashed (the packer).
   */
  buffers?: number;
  signal?: AbortSignal;
  expectedSize?: number;
}

/**
 * A local file's bytes as chunks from a ring of recycled buffers: the next read runs while the
 * caller works on the current chunk, and no memory is allocated per chunk (fresh multi-megabyte
 * buffers per read cost page faults and garbage collection).
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
    await refuseGrowth(handle, size, path);
  } finally {
    await handle.close();
  }
}

async function readFull(handle: import('node:fs/promises').FileHandle, into: Uint8Array, length: number, position: number, path: string): Promise<number> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(into, done, length - done, position + done);
    if (bytesRead === 0) throw sizeChanged(path, `it ended at ${position + done} bytes, before its size when opened`);
    done += bytesRead;
  }
  return done;
}

/**
 * The size taken when the file was opened is the one a header or descriptor declares: a file that
 * grew since would be cut short silently, so one more byte past the end is a change, like a shrink.
 */
async function refuseGrowth(handle: import('node:fs/promises').FileHandle, size: number, path: string): Promise<void> {
  const { bytesRead } = await handle.read(new Uint8Array(1), 0, 1, size);
  if (bytesRead > 0) throw sizeChanged(path, `it grew past its size when opened (${size} bytes)`);
}

function sizeChanged(path: string, what: string): SourceError {
  return new SourceError('SIZE_CHANGED', `${path}: ${what}; did it change while being read?`, {
    hint: 'let whatever writes this file finish, then run the command again',
  });
}
