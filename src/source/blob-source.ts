import { checkLength, checkRange, type ByteSource } from './byte-source.js';
import { throwIfAborted } from '../errors.js';

/** A browser `Blob` or `File` (also Node's Blob): reads slice it, so the whole is never loaded. */
export class BlobSource implements ByteSource {
  readonly byteLength: number;
  constructor(
    private readonly blob: Blob,
    readonly label = (blob as File).name || 'blob',
  ) {
    this.byteLength = blob.size;
  }

  async read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    throwIfAborted(signal);
    checkRange(this, offset, length);
    const bytes = new Uint8Array(await this.blob.slice(offset, offset + length).arrayBuffer());
    checkLength(this, bytes.length, length, offset);
    return bytes;
  }
}
