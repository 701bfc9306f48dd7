/**
 * Protobuf wire format over a byte range of a ByteSource, read through a small sliding window.
 * A field header (tag and length) costs at most one bounded read; a field's body is only read
 * when the caller asks for it, so skipping a 2 GiB tensor is arithmetic on its length.
 */
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import type { ByteSource } from '../source/byte-source.js';
import { ArtifactError } from '../errors.js';

/** One field as found at a position: where its value lies, and the varint value for varint fields. */
export interface WireField {
  fieldNo: number;
  wireType: WireType;
  /** Start and end of the value (for length-delimited fields: the payload, after the length). */
  start: number;
  end: number;
  /** The value of a varint field. */
  varint?: bigint;
}

/** Longest field header: a 5-byte tag and a 10-byte varint. */
const MAX_HEADER = 15;

export class WireWindow {
  private buf: Uint8Array = new Uint8Array(0);
  private bufStart = 0;

  constructor(
    private readonly source: ByteSource,
    /** The message's range in the source, for messages: everything outside it is not ours. */
    readonly begin: number,
    readonly end: number,
    readonly member: string,
    private readonly windowSize = 4096,
    private readonly signal?: AbortSignal,
  ) {}

  /** The field whose header starts at `pos`, which must end by `limit`. */
  async field(pos: number, limit: number): Promise<WireField> {
    const view = await this.view(pos, Math.min(MAX_HEADER, limit - pos));
    const reader = new BinaryReader(view);
    try {
      const [fieldNo, wireType] = reader.tag();
      const field = this.value(reader, fieldNo, wireType, pos);
      if (field.end > limit) throw new RangeError('field runs past the end of its message');
      return field;
    } catch (e) {
      if (e instanceof ArtifactError) throw e;
      throw this.malformed(pos, (e as Error).message);
    }
  }

  /** Every field of the message in [start, end), in order. */
  async *fields(start: number, end: number): AsyncGenerator<WireField> {
    for (let pos = start; pos < end;) {
      const f = await this.field(pos, end);
      yield f;
      pos = f.end;
    }
  }

  /** Exactly the bytes of [start, end): from the window when there, else one read of that range. */
  async bytes(start: number, end: number): Promise<Uint8Array> {
    if (start >= this.bufStart && end <= this.bufStart + this.buf.length) {
      return this.buf.subarray(start - this.bufStart, end - this.bufStart);
    }
    return this.source.read(start, end - start, this.signal);
  }

  malformed(pos: number, why: string): ArtifactError {
    return new ArtifactError('ONNX_MALFORMED', `not a readable ONNX ModelProto: ${why} (at byte ${pos - this.begin} of the model)`, {
      member: this.member,
    });
  }

  private value(reader: BinaryReader, fieldNo: number, wireType: WireType, pos: number): WireField {
    switch (wireType) {
      case WireType.Varint: {
        const varint = BigInt(reader.uint64());
        return { fieldNo, wireType, start: pos + reader.pos, end: pos + reader.pos, varint };
      }
      case WireType.LengthDelimited: {
        const length = Number(BigInt(reader.uint64()));
        const start = pos + reader.pos;
        if (!Number.isSafeInteger(start + length)) throw new RangeError('impossible field length');
        return { fieldNo, wireType, start, end: start + length };
      }
      case WireType.Bit32:
        return { fieldNo, wireType, start: pos + reader.pos, end: pos + reader.pos + 4 };
      case WireType.Bit64:
        return { fieldNo, wireType, start: pos + reader.pos, end: pos + reader.pos + 8 };
      default:
        throw new RangeError(`unsupported wire type ${wireType} for field ${fieldNo}`);
    }
  }

  /** At least `want` bytes from `pos` (fewer only at the message end), refilling the window if needed. */
  private async view(pos: number, want: number): Promise<Uint8Array> {
    if (pos < this.begin || pos + want > this.end || want <= 0) throw this.malformed(pos, 'a field header runs past the end of the data');
    const have = this.bufStart + this.buf.length;
    if (pos < this.bufStart || pos + want > have) {
      const length = Math.min(Math.max(this.windowSize, want), this.end - pos);
      this.buf = await this.source.read(pos, length, this.signal);
      this.bufStart = pos;
    }
    return this.buf.subarray(pos - this.bufStart, Math.min(this.buf.length, pos - this.bufStart + MAX_HEADER));
  }
}
