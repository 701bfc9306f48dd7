import type { ByteSource } from './byte-source.js';

/** Counts reads and bytes that reach the wrapped source: the way tests and benches price a call. */
export class CountingSource implements ByteSource {
  reads = 0;
  bytes = 0;
  readonly log: Array<[offset: number, length: number]> = [];

  constructor(private readonly inner: ByteSource) {}

  get byteLength(): number {
    return this.inner.byteLength;
  }
  get label(): string {
    return this.inner.label;
  }

  async read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    this.reads++;
    this.bytes += length;
    this.log.push([offset, length]);
    return this.inner.read(offset, length, signal);
  }

  close(): Promise<void> {
    return this.inner.close?.() ?? Promise.resolve();
  }
}
