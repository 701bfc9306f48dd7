import { stat } from 'node:fs/promises';
import type { StreamBody } from '../build/member-input.js';
import { recycledFileChunks } from './file-chunks.js';
import { FileSource, ioError } from './file-source.js';

export const PACK_CHUNK = 8 * 1024 * 1024;

/** A member body read from a local file when its turn comes: large, double-buffered reads. */
export async function fileBody(path: string): Promise<StreamBody> {
  const st = await stat(path).catch((e: unknown) => {
    throw ioError(e, path);
  });
  return {
    size: st.size,
    // Three recycled buffers: one being read, one being hashed, one still being written (the
    // writer asks for chunk j+2 only once the sink has had chunk j+1, so chunk j is on disk).
    // The size read now is the one the header declares; a file that shrinks is a short read.
    open: () => recycledFileChunks(path, { chunkSize: PACK_CHUNK, buffers: 3, expectedSize: st.size }),
    openRange: () => FileSource.open(path),
  };
}
