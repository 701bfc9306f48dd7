import { stat } from 'node:fs/promises';
import type { StreamBody } from '../build/member-input.js';
import { readChunks } from '../source/chunks.js';
import { FileSource, ioError } from './file-source.js';

export const PACK_CHUNK = 8 * 1024 * 1024;

/** A member body read from a local file when its turn comes: large, double-buffered reads. */
export async function fileBody(path: string): Promise<StreamBody> {
  const st = await stat(path).catch((e: unknown) => {
    throw ioError(e, path);
  });
  return {
    size: st.size,
    async *open() {
      const source = await FileSource.open(path);
      try {
        // The size is the one declared in the header: a file that grew is caught by the writer.
        yield* readChunks(source, 0, Math.min(st.size, source.byteLength), { chunkSize: PACK_CHUNK });
      } finally {
        await source.close();
      }
    },
  };
}
