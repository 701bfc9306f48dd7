/**
 * What lies after the end of an archive. Readers stop at the first zero block (endOffset); the
 * bytes from there to the end of the file should all be zero (end blocks and record padding).
 * Anything else is invisible to tar readers but uploaded and hashed with the file: typically the
 * remains of an interrupted write.
 */
import type { ByteSource } from '../source/byte-source.js';
import { throwIfAborted } from '../errors.js';

const PIECE = 1 << 20;

/** The offset of the first non-zero byte at or after `from`, or undefined. Reads in bounded pieces. */
export async function firstNonZeroAfter(source: ByteSource, from: number, signal?: AbortSignal): Promise<number | undefined> {
  for (let at = from; at < source.byteLength; at += PIECE) {
    throwIfAborted(signal);
    const piece = await source.read(at, Math.min(PIECE, source.byteLength - at), signal);
    const i = piece.findIndex((b) => b !== 0);
    if (i >= 0) return at + i;
  }
  return undefined;
}
