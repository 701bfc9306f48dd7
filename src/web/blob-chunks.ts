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
      const next = await readOrExplain(reader);
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

async function readOrExplain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<ReadableStreamReadResult<Uint8Array>> {
  try {
    return await reader.read();
  } catch (e) {
    throw new SourceError('READ_FAILED', `could not read the file: ${(e as Error).message}`, {
      hint: 'the file may have been changed or moved while it was read; open it again',
    });
  }
}
