/**
 * The one seam every reader goes through: a byte length and a positional read.
 * Files, buffers, URLs and Blobs implement it; caching and counting wrap it.
 */
export interface ByteSource {
  /** Total size in bytes; fixed for the life of the source. */
  readonly byteLength: number;
  /** A short label for messages (a path, a URL without its query, "buffer"). */
  readonly label: string;
  /**
   * Exactly `length` bytes starting at `offset`. Implementations must reject a range that does not
   * lie inside `[0, byteLength]` and must never return fewer bytes than asked.
   */
  read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array>;
  /**
   * True when every `read` returns a new array nothing else holds (a file read into a fresh
   * buffer): a reader may then free it once used (MemberStore.handsOverReads). Caches and views
   * of a larger buffer leave it unset.
   */
  readonly freshReads?: boolean;
  /**
   * The same bytes at once, when the source already holds them in memory (a cache, a buffer);
   * undefined when it does not. Never starts a read. A reader that takes many small ranges (the
   * tar header walk) peeks first and reads only what is not there: a short command pays for
   * each promise it waits on while its code still runs in V8's interpreter (bench/startup.mjs).
   */
  peek?(offset: number, length: number): Uint8Array | undefined;
  /** Releases file handles or sockets; reading afterwards is an error. */
  close?(): Promise<void>;
}

import { SourceError } from '../errors.js';

/** Every source checks ranges the same way, before touching its backing store. */
export function checkRange(source: { byteLength: number; label: string }, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new SourceError('BAD_RANGE', `invalid read range offset=${offset} length=${length} on ${source.label}`);
  }
  if (offset + length > source.byteLength) {
    throw new SourceError(
      'READ_PAST_END',
      `read of ${length} bytes at offset ${offset} runs past the end of ${source.label} (${source.byteLength} bytes)`,
    );
  }
}

/** A read that came back shorter than asked means the source changed or lied about its size. */
export function checkLength(source: { label: string }, got: number, want: number, offset: number): void {
  if (got !== want) {
    throw new SourceError(
      'SHORT_READ',
      `${source.label}: asked for ${want} bytes at offset ${offset}, got ${got}; the source is shorter than it claimed or changed while being read`,
    );
  }
}
