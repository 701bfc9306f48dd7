import { throwIfAborted } from '../errors.js';
import type { ByteSource } from './byte-source.js';

/**
 * `raw`, read directly, except for bytes `cache` already holds, which come from memory. For a
 * reader that must not widen its reads through a block cache (the ONNX reader's small windows,
 * the look past a tar's end blocks) but should not read again what the header walk fetched: a
 * small artifact is then read once.
 */
export function peekFirst(raw: ByteSource, cache: ByteSource): ByteSource {
  const peek = (offset: number, length: number) => cache.peek?.(offset, length);
  return {
    byteLength: raw.byteLength,
    label: raw.label,
    async read(offset, length, signal) {
      throwIfAborted(signal);
      return peek(offset, length) ?? raw.read(offset, length, signal);
    },
    peek,
  };
}
