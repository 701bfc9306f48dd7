import { checkRange, type ByteSource } from './byte-source.js';
import { throwIfAborted } from '../errors.js';

/** Bytes already in memory. Reads are zero-copy views. */
export class MemorySource implements ByteSource {
  readonly byteLength: number;
  constructor(
    private readonly bytes: Uint8Array,
    readonly label = 'buffer',
  ) {
    this.byteLength = bytes.byteLength;
  }

  async read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    throwIfAborted(signal);
    checkRange(this, offset, length);
    return this.bytes.subarray(offset, offset + length);
  }
}
