/** The header codec, field by field: checksums, number encodings, PAX records, name decoding. */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { TarFormatError } from '../src/index.js';
import { decodeHeader, decodeNumber, decodePax, decodeText, hasUndecodableBytes, headerSums } from '../src/tar/header.js';
import { craftHeader, paxRecord } from './helpers/foreign-craft.js';

const bytes = (text: string) => new TextEncoder().encode(text);

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TarFormatError);
    return (e as TarFormatError).code;
  }
  throw new Error('expected a TarFormatError');
}

describe('header checksum', () => {
  // A name with high bytes makes the signed and unsigned sums differ.
  const name = 'model-ü-名前.onnx';

  it('accepts the unsigned sum (POSIX)', () => {
    expect(decodeHeader(craftHeader({ name, checksum: 'unsigned' }), 0).name).toBe(name);
  });

  it('accepts the signed sum (old Sun/NeXT tars), as GNU tar and Python do', () => {
    expect(decodeHeader(craftHeader({ name, checksum: 'signed' }), 0).name).toBe(name);
  });

  it('rejects any other sum with BAD_CHECKSUM naming the offset', () => {
    const block = craftHeader({ name, checksum: 'unsigned' });
    block[0]! ^= 1;
    expect(codeOf(() => decodeHeader(block, 1536))).toBe('BAD_CHECKSUM');
    expect(() => decodeHeader(block, 1536)).toThrow(/offset 1536/);
  });

  it('rejects a short block with TRUNCATED_HEADER', () => {
    expect(codeOf(() => decodeHeader(new Uint8Array(100), 0))).toBe('TRUNCATED_HEADER');
  });

  it('sums four bytes a step exactly as a byte loop does, for any block at any alignment', () => {
    const byteLoop = (block: Uint8Array) => {
      let unsigned = 0;
      let signed = 0;
      for (let i = 0; i < 512; i++) {
        const b = i >= 148 && i < 156 ? 0x20 : block[i]!;
        unsigned += b;
        signed += b > 127 ? b - 256 : b;
      }
      return { unsigned, signed };
    };
    const extremes = [new Uint8Array(512), new Uint8Array(512).fill(0xff), new Uint8Array(512).fill(0x80)];
    for (const block of extremes) expect(headerSums(block)).toEqual(byteLoop(block));
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 512, maxLength: 512 }), fc.integer({ min: 0, max: 3 }), (content, shift) => {
        const holder = new Uint8Array(512 + shift);
        holder.set(content, shift);
        const block = holder.subarray(shift);
        expect(headerSums(block)).toEqual(byteLoop(block));
      }),
    );
  });
});

describe('number fields', () => {
  const field = (text: string, width = 12) => {
    const f = new Uint8Array(width);
    f.set(bytes(text));
    return f;
  };

  it('reads octal padded with leading zeros, leading/trailing spaces or trailing NULs', () => {
    expect(decodeNumber(field('00000001750\0'), 'size', 0)).toBe(1000);
    expect(decodeNumber(field('   1750 \0'), 'size', 0)).toBe(1000);
    expect(decodeNumber(field('1750'), 'size', 0)).toBe(1000);
    expect(decodeNumber(field('77777777777 '), 'size', 0)).toBe(8 ** 11 - 1);
  });

  it('reads an all-NUL or all-space field as 0 (as Python does)', () => {
    expect(decodeNumber(new Uint8Array(12), 'size', 0)).toBe(0);
    expect(decodeNumber(field(' '.repeat(12)), 'size', 0)).toBe(0);
  });

  it('reads GNU base-256 (0x80 marker, big-endian) past the 8 GiB octal limit', () => {
    const f = new Uint8Array(12);
    f[0] = 0x80;
    new DataView(f.buffer).setBigUint64(4, 9n * 2n ** 30n + 3n);
    expect(decodeNumber(f, 'size', 0)).toBe(9 * 2 ** 30 + 3);
  });

  it('rejects non-octal text, embedded spaces, negative and unknown base-256, and values past 2^53 with BAD_NUMBER', () => {
    for (const bad of ['89', '12a', '-1', '6 4', '0x10']) expect(codeOf(() => decodeNumber(field(bad), 'size', 0))).toBe('BAD_NUMBER');
    const negative = new Uint8Array(12).fill(0xff);
    expect(codeOf(() => decodeNumber(negative, 'size', 0))).toBe('BAD_NUMBER');
    const marker = new Uint8Array(12);
    marker[0] = 0x81;
    expect(codeOf(() => decodeNumber(marker, 'size', 0))).toBe('BAD_NUMBER');
    const huge = new Uint8Array(12).fill(0x7f);
    huge[0] = 0x80;
    expect(codeOf(() => decodeNumber(huge, 'size', 0))).toBe('BAD_NUMBER');
    expect(codeOf(() => decodeNumber(field('7'.repeat(19) + '\0', 20), 'size', 0))).toBe('BAD_NUMBER');
  });

  it('a bad size field in a header is BAD_NUMBER naming the member', () => {
    const block = craftHeader({ name: 'manifest.json', size: 'zz' });
    expect(codeOf(() => decodeHeader(block, 0))).toBe('BAD_NUMBER');
    expect(() => decodeHeader(block, 0)).toThrow(expect.objectContaining({ member: 'manifest.json' }));
  });
});

describe('PAX records', () => {
  const record = (kv: string) => paxRecord(kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1));

  it('reads "<len> key=value\\n" records, values holding "=", newlines and UTF-8', () => {
    const data = bytes(record('path=a=b/ü.json') + record('comment=two\nlines') + record('size=9663676419'));
    expect(Object.fromEntries(decodePax(data, 0))).toEqual({ path: 'a=b/ü.json', comment: 'two\nlines', size: '9663676419' });
  });

  it('stops at NUL padding after the records, and reads empty data as no records', () => {
    expect(Object.fromEntries(decodePax(new Uint8Array([...bytes(record('path=x')), 0, 0, 0]), 0))).toEqual({ path: 'x' });
    expect(decodePax(new Uint8Array(0), 0).size).toBe(0);
  });

  it('rejects lengths that are not numbers, too short, past the data, or not ending at a newline with BAD_PAX', () => {
    for (const bad of ['abc path=x\n', '3 path=x\n', '99 path=x\n', '11 path=xyz', '10 path=xy\n\n', '9 pathxy\n', 'path=x\n']) {
      expect(
        codeOf(() => decodePax(bytes(bad), 512)),
        bad,
      ).toBe('BAD_PAX');
    }
  });
});

describe('name decoding', () => {
  it('keeps valid UTF-8 (with a leading BOM) as is', () => {
    expect(decodeText(bytes('\ufeffмодель/名前/🙂.onnx'))).toBe('\ufeffмодель/名前/🙂.onnx');
  });

  it('hasUndecodableBytes tells escaped names from valid ones (a real U+FFFD in a name is valid UTF-8)', () => {
    expect(hasUndecodableBytes(decodeText(new Uint8Array([0x61, 0xff])))).toBe(true);
    expect(hasUndecodableBytes(decodeText(bytes('ok-\ufffd-名前')))).toBe(false);
  });

  it('surrogate-escapes invalid bytes exactly as Python does (errors="surrogateescape")', () => {
    const samples = fc.sample(
      fc.array(
        fc.oneof(
          fc.integer({ min: 0x20, max: 0x7e }),
          fc.integer({ min: 0x80, max: 0xff }),
          fc.constantFrom(0xe2, 0x82, 0xac, 0xed, 0xa0, 0xf0, 0x9f),
        ),
        {
          maxLength: 12,
        },
      ),
      { numRuns: 400, seed: 20261125 },
    );
    const fixed = [[0xff], [0xe2, 0x82], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82, 0xac, 0xff]];
    const all = [...fixed, ...samples];
    const script =
      'import json,sys\nfor l in sys.stdin.read().split():\n    print(json.dumps(bytes.fromhex(l).decode("utf-8","surrogateescape")))';
    const input = all.map((a) => Buffer.from(a).toString('hex') || '00').join('\n');
    const python = execFileSync('python3', ['-c', script], { input, encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as string);
    const ours = all.map((a) => decodeText(new Uint8Array(a.length ? a : [0])));
    expect(ours).toEqual(python);
    expect(ours[0]).toBe('\udcff');
  });
});

describe('header fields', () => {
  it('joins a ustar prefix and name, and ignores the prefix area under the GNU magic (it holds other fields there)', () => {
    expect(decodeHeader(craftHeader({ name: 'model.onnx', prefix: 'ops_artifacts/main' }), 0)).toMatchObject({
      name: 'model.onnx',
      prefix: 'ops_artifacts/main',
      magic: 'ustar',
    });
    expect(decodeHeader(craftHeader({ name: 'model.onnx', prefix: 'junk', magic: 'gnu' }), 0).prefix).toBe('');
  });

  it('reads a full-width 100-byte name without a terminating NUL', () => {
    expect(decodeHeader(craftHeader({ name: 'n'.repeat(100) }), 0).name).toBe('n'.repeat(100));
  });
});
