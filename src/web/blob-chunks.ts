import { AbortError, SourceError } from '../errors.js';

/**
 * A Blob or File as the chunks `Blob.stream()` yields: the browser reads the file from disk as it
 * goes and each chunk can be dropped once used, so memory stays flat whatever the file's size.
 */
export async function* blobChunks(blob: Blob, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const reader = blob.stream().getReader();
  let done = 0;
  try {
    for (;;) {
      if (signal?.aborted) throw new AbortError();
      const next = await readOrExplain(() => reader.read());
      if (next.done) break;
      done += next.value.length;
      yield next.value;
    }
  } finally {
    // Also runs when the consumer stops early: release the file.
    await reader.cancel().catch(() => undefined);
  }
  if (done !== blob.size) {
    throw new SourceError('SHORT_READ', `read ${done} bytes of a ${blob.size}-byte file: it changed while being read`);
  }
}

async function readOrExplain<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    throw new SourceError('READ_FAILED', `could not read the file: ${(e as Error).message}`, {
      hint: 'the file may have been changed or moved while it was read; open it again',
    });
  }
}

/**
 * The same bytes read into buffers the caller supplies (a BYOB reader), so a long read recycles a
 * few buffers instead of leaving a trail of garbage for the collector. Each yielded view lies in
 * a buffer from `nextBuffer()`. Falls back to blobChunks where byte streams are not supported.
 */
export async function* blobChunksInto(
  blob: Blob,
  nextBuffer: () => Promise<ArrayBuffer>,
  signal?: AbortSignal,
): AsyncGenerator<Uint8Array> {
  let reader: ReadableStreamBYOBReader;
  try {
    reader = blob.stream().getReader({ mode: 'byob' });
  } catch {
    yield* blobChunks(blob, signal);
    return;
  }
  let done = 0;
  try {
    while (done < blob.size) {
      if (signal?.aborted) throw new AbortError();
      const chunk = await fillBuffer(reader, await nextBuffer(), blob.size - done);
      if (chunk.length === 0) break;
      done += chunk.length;
      yield chunk;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  if (done !== blob.size) {
    throw new SourceError('SHORT_READ', `read ${done} bytes of a ${blob.size}-byte file: it changed while being read`);
  }
}

/**
 * Fills one buffer with as many reads as it takes (up to `remaining` bytes). Chromium's byte
 * stream hands back 64 KiB or so per read; shipping each of those to the hashing worker on its
 * own made per-message costs, not hashing, the limit.
 */
async function fillBuffer(reader: ReadableStreamBYOBReader, buffer: ArrayBuffer, remaining: number): Promise<Uint8Array> {
  const want = Math.min(buffer.byteLength, remaining);
  let filled = 0;
  while (filled < want) {
    // A BYOB read takes the buffer and returns its memory as a new ArrayBuffer: carry that on.
    const next = await readOrExplain(() => reader.read(new Uint8Array(buffer, filled, want - filled)));
    if (next.done || !next.value) break;
    buffer = next.value.buffer as ArrayBuffer;
    filled += next.value.length;
  }
  return new Uint8Array(buffer, 0, filled);
}
