/**
 * The protobuf wire format over bytes in memory: tags, varints, length-delimited fields. The few
 * calls the ONNX reader needs, decoding varints as numbers (a BigInt only past seven bytes), so a
 * field costs no allocation: the validator reads every field of every model it checks.
 */

/** Protobuf wire types (groups, 3 and 4, are not used by ONNX and are refused). */
export const WireType = { Varint: 0, Bit64: 1, LengthDelimited: 2, Bit32: 5 } as const;

/** A varint's last byte is at most its tenth (64 bits); longer is not protobuf. */
const MAX_VARINT_BYTES = 10;
/** Seven bytes hold 49 bits: exact as a number; longer varints are decoded as a BigInt. */
const EXACT_BYTES = 7;

/** Reads fields from `buf` between `pos` and `end`; every overrun is a RangeError naming what ran over. */
export class WireReader {
  constructor(
    readonly buf: Uint8Array,
    public pos = 0,
    public end = buf.length,
  ) {}

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** A field's tag: field number `tag >>> 3`, wire type `tag & 7`. */
  tag(): number {
    const tag = this.uint();
    if (tag >>> 3 === 0 || tag > 0xffffffff) throw new RangeError(`invalid field tag ${tag}`);
    return tag;
  }

  /** An unsigned varint (uint64, uint32, lengths), as a number: exact up to 2^53. */
  uint(): number {
    const v = this.varint();
    return typeof v === 'number' ? v : Number(v);
  }

  /**
   * An int64 varint (negative values are ten bytes of two's complement), exact: a number within
   * ±(2^53 − 1), else the BigInt. Never rounded: a rounded dimension or version is a wrong one.
   */
  int64(): number | bigint {
    return asInt64(this.varint());
  }

  /** An unsigned varint, exact: a number up to 2^53 − 1, else the uint64 BigInt. */
  uint64(): number | bigint {
    const v = this.varint();
    return typeof v === 'number' || v > MAX_SAFE ? v : Number(v);
  }

  /** An int32 varint: the low 32 bits, signed. */
  int32(): number {
    const v = this.varint();
    return typeof v === 'number' ? v | 0 : Number(BigInt.asIntN(32, v));
  }

  /** A length-delimited field's payload, as a view (no copy). */
  bytes(): Uint8Array {
    const length = this.uint();
    const start = this.pos;
    if (length > this.end - start) throw new RangeError(`a field of ${length} bytes runs past the end of its message`);
    this.pos = start + length;
    return this.buf.subarray(start, this.pos);
  }

  string(): string {
    return utf8.decode(this.bytes());
  }

  /** Moves past a field's value. */
  skip(wireType: number): void {
    switch (wireType) {
      case WireType.Varint:
        this.varint();
        return;
      case WireType.LengthDelimited:
        this.bytes();
        return;
      case WireType.Bit64:
        return this.advance(8);
      case WireType.Bit32:
        return this.advance(4);
      default:
        throw new RangeError(`unsupported wire type ${wireType}`);
    }
  }

  /** The value's bytes, once read, are a number up to seven bytes and a uint64 BigInt beyond. */
  private varint(): number | bigint {
    const { buf, end } = this;
    let pos = this.pos;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < EXACT_BYTES && pos < end; i++, scale *= 128) {
      const b = buf[pos++]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        this.pos = pos;
        return value;
      }
    }
    return this.longVarint();
  }

  /** Eight to ten bytes (or a truncated varint, which this refuses). */
  private longVarint(): bigint {
    let value = 0n;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (this.pos >= this.end) throw new RangeError('a varint runs past the end of its message');
      const b = this.buf[this.pos++]!;
      value |= BigInt(b & 0x7f) << BigInt(7 * i);
      if (b < 0x80) return BigInt.asUintN(64, value);
    }
    throw new RangeError('a varint is longer than ten bytes');
  }

  private advance(n: number): void {
    if (n > this.end - this.pos) throw new RangeError(`a ${n}-byte field runs past the end of its message`);
    this.pos += n;
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A varint's value (a number, or a uint64 BigInt) read as int64: a number when safe, else the BigInt. */
export function asInt64(v: number | bigint): number | bigint {
  if (typeof v === 'number') return v;
  const signed = BigInt.asIntN(64, v);
  return signed >= -MAX_SAFE && signed <= MAX_SAFE ? Number(signed) : signed;
}

const utf8 = new TextDecoder();
