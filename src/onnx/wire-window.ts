/**
 * Protobuf wire format over a byte range of a ByteSource, read through a small sliding window.
 * A field header (tag and length) costs at most one bounded read; a field's body is only read
 * when the caller asks for it, so skipping a 2 GiB tensor is arithmetic on its length. What the
 * window already holds is decoded without waiting: a small model costs one read and no
 * round trips through the event loop per field.
 */
import type { ByteSource } from '../source/byte-source.js';
import { ArtifactError } from '../errors.js';
import { WireReader, WireType } from './wire-reader.js';

/** One field as found at a position: where its value lies, and the varint value for varint fields. */
export interface WireField {
  fieldNo: number;
  wireType: number;
  /** Start and end of the value (for length-delimited fields: the payload, after the length). */
  start: number;
  end: number;
  /** The value of a varint field (unsigned): a number up to 2^53 − 1, else the exact BigInt. */
  varint?: number | bigint;
}

/** Longest field header: a 5-byte tag and a 10-byte varint. */
const MAX_HEADER = 15;

export class WireWindow {
  private buf: Uint8Array = new Uint8Array(0);
  private bufStart = 0;
  /** Decodes field headers from the window; one per window, moved from field to field. */
  private reader = new WireReader(this.buf);

  constructor(
    private readonly source: ByteSource,
    /** The message's range in the source, for messages: everything outside it is not ours. */
    readonly begin: number,
    readonly end: number,
    readonly member: string,
    private readonly windowSize = 4096,
    private readonly signal?: AbortSignal,
  ) {}

  /**
   * Visits every field of the message in [start, end), in order, waiting for what `visit`
   * returns when it is a promise.
   */
  async each(start: number, end: number, visit: (f: WireField) => void | Promise<void>): Promise<void> {
    for (let pos = start; pos < end;) {
      const f = this.fieldAt(pos, end) ?? (await this.fill(pos, end));
      const visited = visit(f);
      if (visited) await visited;
      pos = f.end;
    }
  }

  /** Exactly the bytes of [start, end), when the window holds them. */
  bytesAt(start: number, end: number): Uint8Array | undefined {
    if (start < this.bufStart || end > this.bufStart + this.buf.length) return undefined;
    return this.buf.subarray(start - this.bufStart, end - this.bufStart);
  }

  /** Exactly the bytes of [start, end): from the window when there, else one read of that range. */
  async bytes(start: number, end: number): Promise<Uint8Array> {
    return this.bytesAt(start, end) ?? this.source.read(start, end - start, this.signal);
  }

  /** A value that does not fit a JS number exactly, refused rather than rounded. */
  outOfRange(pos: number, what: string, value: bigint): ArtifactError {
    return new ArtifactError(
      'ONNX_INT_OUT_OF_RANGE',
      `${what} is ${value}, outside ±(2^53 − 1): JSON numbers cannot hold it exactly, and rounded it would be wrong (at byte ${pos - this.begin} of the model)`,
      { member: this.member },
    );
  }

  malformed(pos: number, why: string): ArtifactError {
    return new ArtifactError('ONNX_MALFORMED', `not a readable ONNX ModelProto: ${why} (at byte ${pos - this.begin} of the model)`, {
      member: this.member,
    });
  }

  /** The field whose header starts at `pos` (and must end by `limit`), if the window holds its header. */
  private fieldAt(pos: number, limit: number): WireField | undefined {
    const want = Math.min(MAX_HEADER, limit - pos);
    if (pos < this.begin || pos + want > this.end || want <= 0) throw this.malformed(pos, 'a field header runs past the end of the data');
    const from = pos - this.bufStart;
    if (from < 0 || from + want > this.buf.length) return undefined;
    try {
      this.reader.pos = from;
      this.reader.end = from + want;
      return this.decode(pos, limit);
    } catch (e) {
      if (e instanceof ArtifactError) throw e;
      throw this.malformed(pos, (e as Error).message);
    }
  }

  /** Moves the window to `pos` and decodes the field there. */
  private async fill(pos: number, limit: number): Promise<WireField> {
    const length = Math.min(Math.max(this.windowSize, MAX_HEADER), this.end - pos);
    this.buf = await this.source.read(pos, length, this.signal);
    this.bufStart = pos;
    this.reader = new WireReader(this.buf);
    return this.fieldAt(pos, limit)!;
  }

  /** The field whose header the reader stands at (`pos` in the source), checked against `limit`. */
  private decode(pos: number, limit: number): WireField {
    const r = this.reader;
    const header = r.pos;
    const tag = r.tag();
    const fieldNo = tag >>> 3;
    const wireType = tag & 7;
    let length = 0;
    let varint: number | bigint | undefined;
    if (wireType === WireType.Varint) varint = r.uint64();
    else if (wireType === WireType.LengthDelimited) length = r.uint();
    else if (wireType === WireType.Bit32) length = 4;
    else if (wireType === WireType.Bit64) length = 8;
    else throw new RangeError(`unsupported wire type ${wireType} for field ${fieldNo}`);
    const start = pos + r.pos - header;
    if (!Number.isSafeInteger(start + length)) throw new RangeError('impossible field length');
    if (start + length > limit) throw new RangeError('field runs past the end of its message');
    return { fieldNo, wireType, start, end: start + length, varint };
  }
}
