import { stat } from 'node:fs/promises';
import type { StreamBody } from '../build/member-input.js';
import { FILE_HASH_CHUNK, recycledFileChunks, syncFileChunks } from './file-chunks.js';
import { FileSource, ioError } from './file-source.js';

export const PACK_CHUNK = 8 * 1024 * 1024;

export interface FileBodyOptions {
  /**
   * Read with small synchronous reads (FILE_HASH_CHUNK) into one buffer, each chunk hashed while in
   * cache; the buffer is reused at once, so only for a sink that is done with a chunk when it
   * returns (AtomicFileSink's blocking mode). Blocks the thread: for the CLI.
   */
  blocking?: boolean;
}

/** A member body read from a local file when its turn comes: large, double-buffered reads (or small blocking ones). */
export async function fileBody(path: string, options: FileBodyOptions = {}): Promise<StreamBody> {
  const st = await stat(path).catch((e: unknown) => {
    throw ioError(e, path);
  });
  return {
    size: st.size,
    // Three recycled buffers: one being read, one being hashed, one still being written (the
    // writer asks for chunk j+2 only once the sink has had chunk j+1, so chunk j is on disk).
    // The size read now is the one the header declares; a file that shrinks is a short read.
    open: options.blocking
      ? () => asyncOf(syncFileChunks(path, FILE_HASH_CHUNK, st.size))
      : () => recycledFileChunks(path, { chunkSize: PACK_CHUNK, buffers: 3, expectedSize: st.size }),
    openRange: () => FileSource.open(path),
  };
}

async function* asyncOf<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}
