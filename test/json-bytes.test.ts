/**
 * parseJsonBytes, the bytes-to-value path for large members, held to the platform: on every input
 * it either gives exactly what JSON.parse gives for the decoded text (same values, key order,
 * -0, "__proto__" as an own key) with checkShape's count, or gives up, and it gives up on all
 * that the platform path refuses (bad UTF-8, bad JSON, too deep, too many values).
 */
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseJsonBytes } from '../src/artifact/json-bytes.js';
import { BYTES_PARSE_MIN, checkShape, readJsonMember, type Json } from '../src/artifact/json-member.js';
import { TarStore } from '../src/artifact/tar-store.js';
import { MemorySource } from '../src/source/memory-source.js';
import { file, tar } from './helpers/hostile-tar.js';

const encode = (text: string) => new TextEncoder().encode(text);
const DEPTH = 64;
const VALUES = 10_000;

/** What the platform path gives: the value and count, or undefined where it throws. */
function platform(bytes: Uint8Array, maxDepth = DEPTH, maxValues = VALUES): { value: Json; values: number } | undefined {
  try {
    let text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const values = checkShape(text, 'm', maxDepth, { limit: 'maxJsonValues', max: maxValues, message: '' });
    return { value: JSON.parse(text) as Json, values };
  } catch {
    return undefined;
  }
}

/** Same values (Object.is for numbers, so -0 counts) and the same key order everywhere. */
function same(a: Json, b: Json): boolean {
  return isDeepStrictEqual(a, b) && JSON.stringify(a, keysInOrder) === JSON.stringify(b, keysInOrder);
}
function keysInOrder(this: unknown, _k: string, v: unknown): unknown {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.entries(v) : v;
}

function agrees(bytes: Uint8Array, maxDepth = DEPTH, maxValues = VALUES): void {
  const fast = parseJsonBytes(bytes, maxDepth, maxValues);
  const slow = platform(bytes, maxDepth, maxValues);
  if (slow === undefined) {
    expect(fast, new TextDecoder().decode(bytes)).toBeUndefined();
    return;
  }
  // Giving up on valid JSON would only cost memory; it must not happen on what the generators make.
  expect(fast, new TextDecoder().decode(bytes)).toBeDefined();
  expect(same(fast!.value, slow.value)).toBe(true);
  expect(fast!.values).toBe(slow.values);
}

/** JSON text as a writer might lay it out: JSON.stringify's, indented, or with whitespace between tokens. */
const layout = fc.constantFrom<(v: unknown) => string>(
  (v) => JSON.stringify(v),
  (v) => JSON.stringify(v, null, 2),
  (v) => JSON.stringify(v, null, '\t').replace(/\n/g, '\r\n'),
);

describe('parseJsonBytes against JSON.parse', () => {
  it('gives what JSON.parse gives on generated JSON (any Unicode, escapes, numbers, nesting)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.jsonValue({ stringUnit: 'binary' })), layout, (v, write) => agrees(encode(write(v)))),
      { numRuns: 2000 },
    );
  });

  it('gives up wherever JSON.parse or the UTF-8 decoder refuses: generated JSON with bytes changed, cut or inserted', () => {
    const broken = fc
      .tuple(fc.jsonValue(), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'cut', 'insert'))
      .map(([v, at, byte, how]) => {
        const b = encode(JSON.stringify(v));
        const i = b.length === 0 ? 0 : at % b.length;
        if (how === 'cut') return b.subarray(0, i);
        if (how === 'set') return Uint8Array.from(b, (x, j) => (j === i ? byte : x));
        return Uint8Array.from([...b.subarray(0, i), byte, ...b.subarray(i)]);
      });
    fc.assert(
      fc.property(broken, (b) => agrees(b)),
      { numRuns: 3000 },
    );
  });

  it('agrees on the cases generators rarely make', () => {
    const cases = [
      '{"__proto__": {"x": 1}, "a": 1, "__proto__": 2}',
      '{"a": 1, "b": 2, "a": 3, "1": 4, "0": 5}',
      '[-0, 0, 1e400, -1e400, 1E+2, 0.5e-3, 123456789012345678901234567890]',
      '"\\ud800" ',
      '"\\uD83D\\uDE00 \\u00e9 \\/ \\b\\f\\n\\r\\t \\" \\\\"',
      '\ufeff{"bom": true}',
      ' \t\r\n[ true , false , null ] \n',
      '"\u2028\u2029\u0085"',
      '"\\"',
      '"\\u12"',
      '"\\x41"',
      '"a\tb"',
      '01',
      '1.',
      '.5',
      '+1',
      '-',
      '1e',
      'tru',
      'nul',
      'truex',
      '[1,]',
      '{"a":1,}',
      '{"a" 1}',
      '{a: 1}',
      '[1 2]',
      '',
      '   ',
      '{}{}',
      '\ufeff\ufeff{}',
      "'a'",
      'NaN',
      'Infinity',
    ];
    for (const c of cases) agrees(encode(c));
    agrees(Uint8Array.from([0x22, 0xc3, 0x28, 0x22])); // bad UTF-8 inside a string
    agrees(Uint8Array.from([0x22, 0xed, 0xa0, 0x80, 0x22])); // a surrogate encoded in UTF-8
    agrees(Uint8Array.from([0x5b, 0xc2, 0xa0, 0x31, 0x5d])); // NO-BREAK SPACE is not JSON whitespace
  });

  it('gives up at the same depth and value count where checkShape throws', () => {
    for (const depth of [1, 2, 3, 10]) {
      for (const maxDepth of [depth - 1, depth, depth + 1]) agrees(encode(`${'['.repeat(depth)}${']'.repeat(depth)}`), maxDepth);
    }
    const items = encode(JSON.stringify([{}, [], { a: [1, 2] }, 3]));
    for (let max = 0; max < 10; max++) agrees(items, DEPTH, max);
  });

  it('decodes a long string with and without escapes, across many escapes, and a number of megabytes of digits, in time linear in its length', () => {
    agrees(encode(`[1${'0'.repeat(2 * 1024 * 1024)}, -0.${'5'.repeat(1024)}e-7]`));
    const plain = 'x'.repeat(3 * 1024 * 1024);
    agrees(encode(JSON.stringify({ s: plain })));
    const escaped = '\\"'.repeat(1024 * 1024);
    const start = performance.now();
    const fast = parseJsonBytes(encode(`"${escaped}"`), DEPTH, VALUES);
    const ms = performance.now() - start;
    expect(fast?.value).toBe('"'.repeat(1024 * 1024));
    // A quadratic search (the closing quote re-found after every escape) takes minutes here.
    expect(ms).toBeLessThan(20_000);
  });
});

describe('members read through a store', () => {
  it('a large member is read from its bytes to the same value; a broken one still gets the platform error', async () => {
    const big = { description: 'é'.repeat(BYTES_PARSE_MIN), n: [1, 2, 3] };
    const store = new TarStore(
      new MemorySource(tar([file('big.json', JSON.stringify(big)), file('broken.json', `${JSON.stringify(big).slice(0, -1)},}`)])),
    );
    expect(await readJsonMember(store, 'big.json')).toEqual(big);
    await expect(readJsonMember(store, 'broken.json')).rejects.toMatchObject({ code: 'JSON_INVALID', member: 'broken.json' });
    await expect(readJsonMember(store, 'broken.json')).rejects.toThrow(/is not valid JSON: .* at line 1, column \d+/);
  });
});
