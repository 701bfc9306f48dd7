/**
 * The ONNX reader's own protobuf wire decoder (src/onnx/wire-reader.ts) reads what
 * @bufbuild/protobuf's writer writes, value for value: varints as uint64, int64 and int32 (ten-byte
 * negatives included), length-delimited bytes and strings, and skipping each wire type. The
 * writer is the foreign implementation; random values come from fast-check.
 */
import { BinaryWriter } from '@bufbuild/protobuf/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WireReader, WireType } from '../src/onnx/wire-reader.js';

const uint64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const int64 = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });

describe('WireReader against @bufbuild/protobuf', () => {
  it.each([
    [
      'a uint64 varint as the number it is (rounded as Number() rounds past 2^53)',
      uint64,
      (w: BinaryWriter, v: bigint) => w.uint64(v),
      (r: WireReader) => r.uint(),
    ],
  ] as const)('reads %s', (_, values, write, read) => {
    fc.assert(
      fc.property(values, (v) => {
        const r = new WireReader(write(new BinaryWriter(), v).finish());
        expect(read(r)).toBe(Number(v));
        expect(r.done).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads int64 and uint64 varints exactly: a number within ±(2^53 − 1), else the BigInt, never rounded', () => {
    const safe = (v: bigint) => v >= -BigInt(Number.MAX_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER);
    fc.assert(
      fc.property(int64, (v) => {
        const r = new WireReader(new BinaryWriter().int64(v).finish());
        expect(r.int64()).toBe(safe(v) ? Number(v) : v);
        expect(r.done).toBe(true);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(uint64, (v) => {
        expect(new WireReader(new BinaryWriter().uint64(v).finish()).uint64()).toBe(safe(v) ? Number(v) : v);
      }),
      { numRuns: 2000 },
    );
    const edge = 2n ** 53n;
    expect(new WireReader(new BinaryWriter().int64(edge - 1n).finish()).int64()).toBe(2 ** 53 - 1);
    expect(new WireReader(new BinaryWriter().int64(edge).finish()).int64()).toBe(edge);
    expect(new WireReader(new BinaryWriter().int64(-edge).finish()).int64()).toBe(-edge);
  });

  it('reads an int32 varint as its low 32 bits, signed', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (v) => {
        expect(new WireReader(new BinaryWriter().int32(v).finish()).int32()).toBe(v);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads tags, strings and bytes, and skips each wire type to the next field', () => {
    const field = fc.oneof(
      fc.record({ kind: fc.constant('varint' as const), no: fc.integer({ min: 1, max: 2 ** 29 - 1 }), value: uint64 }),
      fc.record({ kind: fc.constant('string' as const), no: fc.integer({ min: 1, max: 1000 }), value: fc.string({ unit: 'grapheme' }) }),
      fc.record({ kind: fc.constant('bytes' as const), no: fc.integer({ min: 1, max: 1000 }), value: fc.uint8Array({ maxLength: 300 }) }),
      fc.record({ kind: fc.constant('fixed32' as const), no: fc.integer({ min: 1, max: 1000 }), value: fc.nat() }),
      fc.record({ kind: fc.constant('fixed64' as const), no: fc.integer({ min: 1, max: 1000 }), value: uint64 }),
    );
    fc.assert(
      fc.property(fc.array(field, { maxLength: 12 }), fc.boolean(), (fields, skipAll) => {
        const w = new BinaryWriter();
        for (const f of fields) {
          if (f.kind === 'varint') w.tag(f.no, 0).uint64(f.value);
          else if (f.kind === 'string') w.tag(f.no, 2).string(f.value);
          else if (f.kind === 'bytes') w.tag(f.no, 2).bytes(f.value);
          else if (f.kind === 'fixed32') w.tag(f.no, 5).fixed32(f.value);
          else w.tag(f.no, 1).fixed64(f.value);
        }
        const r = new WireReader(w.finish());
        for (const f of fields) {
          const tag = r.tag();
          expect(tag >>> 3).toBe(f.no);
          if (skipAll) r.skip(tag & 7);
          else if (f.kind === 'varint') expect(r.uint()).toBe(Number(f.value));
          else if (f.kind === 'string') expect(r.string()).toBe(f.value);
          else if (f.kind === 'bytes') expect([...r.bytes()]).toEqual([...f.value]);
          else r.skip(tag & 7);
        }
        expect(r.done).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('WireReader on bytes that are not protobuf', () => {
  it('refuses a varint cut short, one longer than ten bytes, and a length past the end, with a RangeError', () => {
    expect(() => new WireReader(Uint8Array.of(0x80, 0x80)).uint()).toThrow(RangeError);
    expect(() => new WireReader(new Uint8Array(11).fill(0x80)).uint()).toThrow(/longer than ten bytes/);
    expect(() => new WireReader(Uint8Array.of(5, 1, 2)).bytes()).toThrow(/runs past the end/);
    expect(() => new WireReader(Uint8Array.of(0)).tag()).toThrow(/invalid field tag/);
    expect(() => new WireReader(Uint8Array.of(1, 2, 3)).skip(WireType.Bit32)).toThrow(/runs past the end/);
  });

  it('refuses the group wire types, which ONNX never uses', () => {
    expect(() => new WireReader(Uint8Array.of(0)).skip(3)).toThrow(/unsupported wire type 3/);
    expect(() => new WireReader(Uint8Array.of(0)).skip(4)).toThrow(/unsupported wire type 4/);
  });

  it('reads only up to its end: a field that crosses it is refused', () => {
    const bytes = new BinaryWriter()
      .tag(1, 2)
      .bytes(Uint8Array.of(1, 2, 3, 4))
      .finish();
    const r = new WireReader(bytes, 0, bytes.length - 1);
    r.tag();
    expect(() => r.bytes()).toThrow(RangeError);
  });
});
