import type { ByteSource } from './byte-source.js';

export const DEFAULT_CHUNK = 4 * 1024 * 1024;

/**
 * Reads `[offset, offset+length)` as a sequence of chunks, keeping the next read in flight while
 * the caller works on the current one (double buffering), so hashing and I/O overlap and memory
 * stays at two chunks whatever the length.
 */
export async function* readChunks(
  source: ByteSource,
  offset: number,
  length: number,
  options: { chunkSize?: number; signal?: AbortSignal } = {},
): AsyncGenerator<Uint8Array> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
  const end = offset + length;
  const next = (at: number) => source.read(at, Math.min(chunkSize, end - at), options.signal);
  let pos = offset;
  let pending = pos < end ? next(pos) : undefined;
  while (pending) {
    const chunk = await pending;
    pos += chunk.length;
    pending = pos < end ? next(pos) : undefined;
    // Swallow a rejection of the read-ahead if the consumer stops early; it re-throws on await.
    pending?.catch(() => undefined);
    yield chunk;
  }
}

/** The chunks as one array, in order (for results small enough to hold: a card's page, a reply's text). */
export function concatChunks(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
