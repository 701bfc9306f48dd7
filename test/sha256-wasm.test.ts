/**
 * The browser's hashers (`wasmHasher`: hash-wasm's SHA-256 and MD5): every digest must equal
 * node:crypto's, whatever the input's length and however it is split into updates, including
 * past the 2^32-bit length where the padding's high length word first matters.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HashAlgorithm } from '../src/hash/hasher.js';
import { wasmHasher } from '../src/hash/wasm-hasher.js';

const reference = (bytes: Uint8Array, algorithm: HashAlgorithm = 'sha256') => createHash(algorithm).update(bytes).digest('hex');

async function digest(pieces: Uint8Array[], algorithm: HashAlgorithm = 'sha256'): Promise<string> {
  const h = await wasmHasher(algorithm);
  for (const p of pieces) h.update(p);
  return h.digestHex();
}

/** Splits bytes at the given cut points (sorted, deduplicated, within range). */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  return out;
}

describe("the browser's hashers (wasmHasher)", () => {
  it('gives the FIPS 180-4 example SHA-256 digests', async () => {
    const text = (s: string) => new TextEncoder().encode(s);
    expect(await digest([])).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(await digest([text('abc')])).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await digest([text('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')])).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    const millionA = new Uint8Array(1_000_000).fill(0x61);
    expect(await digest(split(millionA, [1, 63, 64, 65_535, 65_536, 500_001]))).toBe(
      'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    );
  });

  it('pads every length around the block and length-field boundaries correctly (0..300 bytes, SHA-256 and MD5)', async () => {
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 151 + 7) & 0xff);
    for (const algorithm of ['sha256', 'md5'] as const) {
      for (let n = 0; n <= 300; n++) {
        const piece = bytes.subarray(0, n);
        expect(await digest([piece], algorithm), `${algorithm}, length ${n}`).toBe(reference(piece, algorithm));
      }
    }
  });

  it('gives the same digest however the input is split into updates', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200_000 }), fc.array(fc.nat(), { maxLength: 12 }), async (bytes, cuts) => {
        expect(await digest(split(bytes, cuts))).toBe(reference(bytes));
      }),
      { numRuns: 60 },
    );
  });

  it('writes the bit length past 2^32 bits (inputs over 512 MiB) into both length words', async () => {
    const chunk = Uint8Array.from({ length: 4 << 20 }, (_, i) => (i * 31) & 0xff);
    const h = await wasmHasher('sha256');
    const node = createHash('sha256');
    // 129 × 4 MiB + 3 bytes: 2^29 bytes is exactly 2^32 bits.
    for (let i = 0; i < 129; i++) {
      h.update(chunk);
      node.update(chunk);
    }
    h.update(chunk.subarray(0, 3));
    node.update(chunk.subarray(0, 3));
    expect(h.digestHex()).toBe(node.digest('hex'));
  });

  it('refuses to be used after its digest is taken (HASHER_FINISHED), SHA-256 and MD5 alike', async () => {
    for (const algorithm of ['sha256', 'md5'] as const) {
      const h = await wasmHasher(algorithm);
      h.digestHex();
      expect(() => h.update(new Uint8Array(1)), algorithm).toThrow(expect.objectContaining({ code: 'HASHER_FINISHED' }));
      expect(() => h.digestHex(), algorithm).toThrow(expect.objectContaining({ code: 'HASHER_FINISHED' }));
    }
  });

  it('keeps two hashers apart: each digest is of its own bytes alone', async () => {
    const [a, b] = [await wasmHasher('sha256'), await wasmHasher('sha256')];
    const [x, y] = [new Uint8Array(100_000).fill(1), new Uint8Array(70_000).fill(2)];
    a.update(x.subarray(0, 33));
    b.update(y);
    a.update(x.subarray(33));
    expect([a.digestHex(), b.digestHex()]).toEqual([reference(x), reference(y)]);
  });
});
