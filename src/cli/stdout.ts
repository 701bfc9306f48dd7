import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Writes a chunk and waits for the stream to drain when it asks, so memory stays bounded. */
export async function writeAll(out: Writable, chunk: Uint8Array | string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}
