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
    const i = firstNonZero(await source.read(at, Math.min(PIECE, source.byteLength - at), signal));
    if (i >= 0) return at + i;
  }
  return undefined;
}

/** Scans four bytes at a time where the piece is aligned (reads return fresh buffers: it is). */
function firstNonZero(piece: Uint8Array): number {
  const words = piece.byteOffset % 4 === 0 ? piece.length >>> 2 : 0;
  const w = new Uint32Array(piece.buffer, piece.byteOffset, words);
  let i = 0;
  while (i < words && w[i] === 0) i++;
  for (let b = i * 4; b < piece.length; b++) if (piece[b] !== 0) return b;
  return -1;
}
