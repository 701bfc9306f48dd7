/**
 * The header walk: the decoder (decoder.ts) driven by range reads, from one header to the next by
 * arithmetic on sizes, never reading member data except the small extended headers (PAX `x`/`g`,
 * GNU `L`/`K`) that rename or resize the member after them.
 */
import type { ByteSource } from '../source/byte-source.js';
import { throwIfAborted } from '../errors.js';
import { BLOCK } from './header.js';
import { TarDecoder, type WalkResult } from './decoder.js';
import type { TarLimits } from './limits.js';

export type { WalkResult } from './decoder.js';

export async function walkTar(
  source: ByteSource,
  options: { limits?: Partial<TarLimits>; signal?: AbortSignal } = {},
): Promise<WalkResult> {
  const { signal } = options;
  const length = source.byteLength;
  const decoder = new TarDecoder(source.label, options.limits);
  for (;;) {
    const s = decoder.step;
    switch (s.need) {
      case 'end':
        return s.result;
      case 'header':
      case 'sparse':
        // A source shorter than one block is handed over whole, for the decoder to tell what it is.
        if (s.at + BLOCK > length) return decoder.end(length, s.at === 0 && length > 0 ? await source.read(0, length, signal) : undefined);
        decoder.block(peek(source, s.at, BLOCK, signal) ?? (await source.read(s.at, BLOCK, signal)));
        break;
      case 'extended':
        if (s.at + s.length > length) return decoder.end(length);
        decoder.extended(peek(source, s.at, s.length, signal) ?? (await source.read(s.at, s.length, signal)));
        break;
      case 'data':
        if (s.entry.dataOffset + s.entry.size > length) return decoder.end(length);
        decoder.skipData();
        break;
    }
  }
}

/**
 * What the source holds already, at once: a walk over cached blocks waits on no promise. Checks
 * the signal itself, as a read would, since a long run of peeks never reaches one.
 */
function peek(source: ByteSource, offset: number, length: number, signal?: AbortSignal): Uint8Array | undefined {
  throwIfAborted(signal);
  return source.peek?.(offset, length);
}
