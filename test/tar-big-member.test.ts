/**
 * A member over 8 GiB, in both encodings a size that large can take (PAX `size` record, GNU
 * base-256 field), in a sparse file so no test writes gigabytes.
 */
import { describe, expect, it } from 'vitest';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { FileSource, TarStore, walkTar } from '../src/index.js';
import { fileIndexOf } from '../src/tar/file-index.js';
import { tempDir } from './helpers/paths.js';
import { gnuTar, pythonRead } from './helpers/foreign-tar.js';
import { writeSparseTar } from './helpers/foreign-sparse.js';

const BIG = 9 * 2 ** 30 + 3; // past 8 GiB - 1 (the octal limit), and off a block boundary
const BIG_NAME = 'ops_artifacts/big/model.onnx';
const AFTER = JSON.stringify({ after: 'the big one' });

function bigArchive(format: 'PAX' | 'GNU'): string {
  const path = join(tempDir(), `big-${format}.tar`);
  writeSparseTar(path, format, [
    { name: 'manifest.json', text: '{"variant": "pipeline"}' },
    { name: BIG_NAME, hole: BIG },
    { name: 'after.json', text: AFTER },
  ]);
  return path;
}

describe('a member over 8 GiB', () => {
  for (const format of ['PAX', 'GNU'] as const) {
    it(`${format} form (${format === 'PAX' ? 'size record' : 'base-256 size field'}): our index equals Python's, GNU tar lists it, and the member after it reads back through FileSource`, async () => {
      const path = bigArchive(format);
      expect(statSync(path).size).toBeGreaterThan(BIG);
      expect(statSync(path).blocks * 512).toBeLessThan(1 << 20); // really sparse

      const source = await FileSource.open(path);
      try {
        const { entries, endOffset } = await walkTar(source);
        const big = entries.find((e) => e.name === BIG_NAME)!;
        // The big member's own header really uses the encoding under test.
        const sizeField = (await source.read(big.dataOffset - 512, 512)).subarray(124, 136);
        if (format === 'GNU') expect(sizeField[0]).toBe(0x80);
        else expect(big.headerOffset).toBeLessThan(big.dataOffset - 512); // a PAX header precedes it

        const index = fileIndexOf(entries);
        expect(index).toEqual(pythonRead(path).index);
        expect(index[BIG_NAME]![1]).toBe(BIG);
        expect(index['after.json']![0]).toBeGreaterThan(2 ** 32);
        expect(endOffset).toBe(source.byteLength - 1024);

        const store = new TarStore(source);
        expect(new TextDecoder().decode(await store.read('after.json'))).toBe(AFTER);
        // The big member's last bytes (a hole: zeros) are readable at their offset past 8 GiB.
        expect(await source.read(index[BIG_NAME]![0] + BIG - 3, 3)).toEqual(new Uint8Array(3));
      } finally {
        await source.close();
      }

      const listed = gnuTar(['-tvf', path], '/');
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(new RegExp(`\\s${BIG}\\s.*${BIG_NAME}`));
      expect(listed.stdout).toContain('after.json');
    });
  }
});
