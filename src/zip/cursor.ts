/**
 * A forward-only reader of `[start, end)` of a zip that lies inside a byte source: records are
 * taken from one read-ahead buffer, so a central directory of 10,000 entries, or every entry of a
 * zip in order, costs a read per `chunk` bytes, not one per record (a remote card is read by
 * HTTP ranges). Nothing outside `[start, end)` is ever read: a zip's offsets are hostile.
 */
import type { ByteSource } from '../source/byte-source.js';
import { readChunks } from '../source/chunks.js';

/** An entry's data is read this much at a time, the next read in flight: a request per MiB for a remote card. */
const DATA_CHUNK = 1024 * 1024;

export class ZipCursor {
  private buffer: Uint8Array = new Uint8Array(0);
  /** Where `buffer` starts, relative to the zip. */
  private bufferAt = 0;
  /** The next byte to hand out, relative to the zip. */
  private at: number;

  constructor(
    private readonly source: ByteSource,
    /** Where the zip starts in the source. */
    private readonly base: number,
    start: number,
    /** The cursor never reads at or past this offset of the zip. */
    readonly end: number,
    /** The error for a record that would run past `end` (BAD_ZIP, naming the zip). */
    private readonly overrun: (why: string) => Error,
    private readonly signal?: AbortSignal,
    private readonly chunk = 256 * 1024,
  ) {
    this.at = start;
  }

  get position(): number {
    return this.at;
  }

  /** Moves forward to `offset` (relative to the zip), keeping what the buffer already holds. */
  seek(offset: number): void {
    if (offset < this.at || offset > this.end) throw this.overrun(`offset ${offset} lies outside the part of the zip being read`);
    this.at = offset;
  }

  /** The next `n` bytes (a view: copy what you keep past the next call). */
  async bytes(n: number, what: string): Promise<Uint8Array> {
    if (this.at + n > this.end) throw this.overrun(`${what} runs past its bounds (${n} bytes at offset ${this.at}, bound ${this.end})`);
    if (this.at + n > this.bufferAt + this.buffer.length) await this.fill(n);
    const from = this.at - this.bufferAt;
    this.at += n;
    return this.buffer.subarray(from, from + n);
  }

  /**
   * The next `n` bytes as chunks, for data too large to hold (an entry's compressed bytes): what the
   * buffer holds, then the rest in large reads with the next one in flight (a remote card's page
   * costs a request per MiB, not per read-ahead buffer).
   */
  async *chunks(n: number, what: string): AsyncGenerator<Uint8Array> {
    if (this.at + n > this.end) throw this.overrun(`${what} runs past its bounds (${n} bytes at offset ${this.at}, bound ${this.end})`);
    const held = Math.min(n, Math.max(0, this.bufferAt + this.buffer.length - this.at));
    if (held > 0) yield await this.bytes(held, what);
    const from = this.at;
    const rest = n - held;
    this.at += rest;
    if (rest > 0) yield* readChunks(this.source, this.base + from, rest, { chunkSize: DATA_CHUNK, signal: this.signal });
  }

  /** Reads from the position at least `n` bytes: a chunk, or less at `end`. */
  private async fill(n: number): Promise<void> {
    const length = Math.min(Math.max(n, this.chunk), this.end - this.at);
    this.buffer = await this.source.read(this.base + this.at, length, this.signal);
    this.bufferAt = this.at;
  }
}
