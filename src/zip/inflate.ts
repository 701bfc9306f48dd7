/**
 * Inflating a zip entry's deflate stream: the platform's own inflater, behind one seam. The
 * browser's is DecompressionStream('deflate-raw'). Node's (src/node/zlib-inflate.ts, installed by
 * the Node entry and the CLI) is node:zlib, because Node 20's DecompressionStream silently drops
 * bytes after the end of a deflate stream where browsers refuse them, and zlib says how many
 * bytes it used; it also takes about half the CPU time (the card-read bench). An inflater must
 * use exactly the bytes it is given or fail, so both platforms give one verdict.
 */

/**
 * Inflates `compressed` (exactly the entry's `sizes.compressed` bytes) as it is read. Throws when
 * the data is not one complete deflate stream ending at its last byte; the zip reader turns any
 * error that is not an FnnxError into BAD_ZIP. It may stop (throw) once the output passes
 * `sizes.uncompressed`, the size the directory declares; the reader stops there anyway.
 */
export type Inflater = (
  compressed: AsyncIterable<Uint8Array>,
  sizes: { compressed: number; uncompressed: number },
) => AsyncIterable<Uint8Array>;

/** DecompressionStream, which every browser has (and Node, where it misses trailing bytes). */
export async function* streamInflate(compressed: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const input = compressed[Symbol.asyncIterator]();
  const source = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await input.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await input.return?.();
    },
  });
  const reader = source.pipeThrough(new DecompressionStream('deflate-raw') as ReadableWritablePair<Uint8Array, Uint8Array>).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    // Stopped early (a bomb, an abort) or failed: cancelling releases the pipe and the input.
    await reader.cancel().catch(() => undefined);
  }
}

let platformInflater: Inflater = streamInflate;

/** The platform's inflater; DecompressionStream unless a platform entry installed its own. */
export function inflater(): Inflater {
  return platformInflater;
}

/** Called once by a platform entry (Node's) to put its own inflater under every zip read. */
export function useInflater(inflate: Inflater): void {
  platformInflater = inflate;
}
