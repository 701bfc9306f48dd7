/** JSON members as hostile input: depth, value count and the shared byte budget, each a named LimitError. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LimitError } from '../src/errors.js';
import { checkShape, parseJson } from '../src/artifact/json-member.js';
import { readArtifact } from '../src/artifact/reader.js';
import { TarStore } from '../src/artifact/tar-store.js';
import { MemorySource } from '../src/source/memory-source.js';
import { file, tar } from './helpers/hostile-tar.js';
import { soundRoot } from './helpers/hostile-corpus.js';

const enc = new TextEncoder();

function limitOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (e) {
    if (e instanceof LimitError) return e.limit;
    throw e;
  }
  return undefined;
}

describe('JSON limits', () => {
  it('counts values and depth by jumping between structural characters exactly as a loop over every character does', () => {
    // The reference: one character at a time, a backslash in a string skipping the next one.
    const everyCharacter = (text: string, maxDepth: number, max: number): number | string => {
      let depth = 0;
      let values = 0;
      let inString = false;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (inString) {
          if (c === 0x5c) i++;
          else if (c === 0x22) inString = false;
        } else if (c === 0x22) inString = true;
        else if (c === 0x5b || c === 0x7b || c === 0x2c) {
          if (++values > max) return 'maxJsonValues';
          if (c !== 0x2c && ++depth > maxDepth) return 'maxJsonDepth';
        } else if (c === 0x5d || c === 0x7d) depth--;
      }
      return values;
    };
    const jumping = (text: string, maxDepth: number, max: number): number | string => {
      try {
        return checkShape(text, 'm.json', maxDepth, { limit: 'maxJsonValues', max, message: 'too many' });
      } catch (e) {
        if (e instanceof LimitError) return e.limit;
        throw e;
      }
    };
    const piece = fc.constantFrom('[', ']', '{', '}', ',', '"', '\\', 'a', ' ', '0', ':');
    const text = fc.oneof(
      fc.array(piece, { maxLength: 200 }).map((p) => p.join('')),
      fc.json(),
      fc.string(),
    );
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 40 }), (t, maxDepth, max) => {
        expect(jumping(t, maxDepth, max)).toEqual(everyCharacter(t, maxDepth, max));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses nesting past maxJsonDepth before JSON.parse recurses', () => {
    expect(limitOf(() => parseJson(enc.encode('['.repeat(300) + ']'.repeat(300)), 'ops.json'))).toBe('maxJsonDepth');
  });

  it('refuses more values than maxJsonValues before JSON.parse allocates them', () => {
    // Counted: each "[" / "{" and each element separator, so [0,…,0] with 1000 elements counts 1000.
    expect(parseJson(enc.encode('[' + '0,'.repeat(999) + '0]'), 'ops.json', 256, 1000)).toHaveLength(1000);
    expect(limitOf(() => parseJson(enc.encode('[' + '0,'.repeat(1000) + '0]'), 'ops.json', 256, 1000))).toBe('maxJsonValues');
  });

  it('does not count brackets and commas inside strings', () => {
    expect(parseJson(enc.encode(JSON.stringify(['[[[,,,{{{'.repeat(100)])), 'x.json', 2, 2)).toHaveLength(1);
  });

  it('many sidecars cannot add up past maxJsonTotal: reading the artifact fails naming that limit', async () => {
    const big = JSON.stringify([
      { id: 'x', producer: 'p', producer_version: '1', producer_tags: [], payload: { blob: 'a'.repeat(1 << 20) } },
    ]);
    const sidecars = Array.from({ length: 5 }, (_, i) => file(`meta-${String(i).repeat(32)}.json`, big));
    const store = new TarStore(new MemorySource(tar([...soundRoot(), ...sidecars])));
    await expect(readArtifact(store, { limits: { maxJsonTotal: 3 * (1 << 20) } })).rejects.toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'maxJsonTotal',
    });
    const contents = await readArtifact(new TarStore(new MemorySource(tar([...soundRoot(), ...sidecars]))));
    expect(contents.metadata).toHaveLength(5);
  });
});
