import { stat } from 'node:fs/promises';
import type { StreamBody } from '../artifact/member-input.js';
import { FILE_HASH_CHUNK, recycledFileChunks, syncFileChunks } from './file-chunks.js';
import { FileSource } from './file-source.js';
import { ioError } from './io-error.js';
import { kindOf, notRegular, openChecked, type Identity } from './open-checked.js';

export const PACK_CHUNK = 8 * 1024 * 1024;

export interface FileBodyOptions {
  /**
   * Read with small synchronous reads (FILE_HASH_CHUNK) into one buffer, each chunk hashed while in
   * cache; the buffer is reused at once, so only for a sink that is done with a chunk when it
   * returns (AtomicFileSink's blocking mode). Blocks the thread: for the CLI.
   */
  blocking?: boolean;
  /**
   * The regular file a walk saw at `path` (lstat): the body is that file or nothing, never a link
   * or another file swapped in since (SOURCE_CHANGED). Without it, `path` is one the user named:
   * a link there is followed, and the file it leads to is the one stat sees now.
   */
  seen?: Identity;
}

/** A member body read from a local file when its turn comes: large, double-buffered reads (or small blocking ones). */
export async function fileBody(path: string, options: FileBodyOptions = {}): Promise<StreamBody> {
  const seen = options.seen ?? (await namedFile(path));
  const follow = options.seen === undefined;
  const open = () => openChecked(path, { seen, follow, blocking: options.blocking });
  return {
    size: seen.size,
    // Three recycled buffers: one being read, one being hashed, one still being written (the
    // writer asks for chunk j+2 only once the sink has had chunk j+1, so chunk j is on disk).
    // The size read now is the one the header declares; a file that shrinks is a short read.
    open: options.blocking
      ? async function* () {
          yield* syncFileChunks(path, FILE_HASH_CHUNK, seen.size, (await open()).fd);
        }
      : async function* () {
          yield* recycledFileChunks(path, { chunkSize: PACK_CHUNK, buffers: 3, expectedSize: seen.size, fd: (await open()).fd });
        },
    openRange: () => FileSource.openChecked(path, { seen, follow }),
  };
}

async function namedFile(path: string): Promise<Identity> {
  const st = await stat(path).catch((e: unknown) => {
    throw ioError(e, path);
  });
  // Refused now, before anything is written (and the open would refuse it anyway).
  if (!st.isFile()) throw notRegular(path, kindOf(st));
  return { dev: st.dev, ino: st.ino, size: st.size };
}
