/**
 * Property tests with fast-check. Random trees written by the kit's tar writer read back
 * identical (walk, file_index, member bytes) and extract to identical files. Random truncations
 * and byte flips of a sound artifact end in a sound result or a typed FnnxError, reading each byte
 * a bounded number of times.
 */
import { mkdirSync, readFileSync, readdirSync, lstatSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { writeTar } from '../src/build/tar-writer.js';
import { MemorySource } from '../src/source/memory-source.js';
import { walkTar } from '../src/tar/walk.js';
import { fileIndexOf } from '../src/tar/file-index.js';
import { TarStore } from '../src/artifact/tar-store.js';
import { readArtifact } from '../src/artifact/reader.js';
import { extractTar } from '../src/node/extract.js';
import { FnnxError } from '../src/errors.js';
import { MANIFEST } from './helpers/hostile-corpus.js';
import { tempDir } from './helpers/paths.js';

const scratch = tempDir('fnnx-prop-');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let runId = 0;

const segment = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9_.~-]{0,15}$/) },
  { weight: 1, arbitrary: fc.constantFrom('модель', 'naïve', '模型', 'e\u0301te', 'x'.repeat(120), 'sp ace') },
);
const path = fc.array(segment, { minLength: 1, maxLength: 6 }).map((s) => s.join('/'));

/** Unique names where no file is also a directory of another (a tree, as a file system holds it). */
const tree = fc
  .uniqueArray(fc.record({ name: path, body: fc.uint8Array({ maxLength: 3000 }) }), {
    selector: (m) => m.name,
    minLength: 1,
    maxLength: 12,
  })
  .map((members) => members.filter((m) => !members.some((o) => o.name.startsWith(m.name + '/'))));

async function tarOf(members: Array<{ name: string; body: Uint8Array }>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  await writeTar(members, (c) => void chunks.push(Uint8Array.from(c)));
  return Buffer.concat(chunks);
}

function readTree(dir: string, prefix = ''): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const n of readdirSync(join(dir, prefix))) {
    const rel = prefix ? `${prefix}/${n}` : n;
    const st = lstatSync(join(dir, rel));
    if (st.isDirectory()) for (const [k, v] of readTree(dir, rel)) out.set(k, v);
    else out.set(rel, readFileSync(join(dir, rel)));
  }
  return out;
}

describe('random trees round-trip', () => {
  it('written by the builder, walked back: same names, same bytes, same file_index as offsets say', async () => {
    await fc.assert(
      fc.asyncProperty(tree, async (members) => {
        const bytes = await tarOf(members);
        const source = new MemorySource(bytes);
        const { entries } = await walkTar(source);
        const index = fileIndexOf(entries);
        expect(Object.keys(index).sort()).toEqual(members.map((m) => m.name).sort());
        for (const m of members) {
          const [offset, size] = index[m.name]!;
          expect(Buffer.from(await source.read(offset, size))).toEqual(Buffer.from(m.body));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('extracted to a directory: the same files with the same bytes, nothing refused', async () => {
    await fc.assert(
      fc.asyncProperty(tree, async (members) => {
        const target = join(scratch, `tree-${runId++}`);
        const result = await extractTar(new MemorySource(await tarOf(members)), target);
        expect(result.refused).toEqual([]);
        const written = readTree(target);
        expect([...written.keys()].sort()).toEqual(members.map((m) => m.name).sort());
        for (const m of members) expect(written.get(m.name)).toEqual(Buffer.from(m.body));
        rmSync(target, { recursive: true });
      }),
      { numRuns: 40 },
    );
  });
});

describe('damaged artifacts end in a sound result or a typed error', () => {
  let sound: Uint8Array;
  /** Bytes a read may ask for, per byte of the artifact: measured 1 (each byte once); 4 leaves room for a cache change. */
  const READ_BUDGET = 4;
  const soundArtifact = async () =>
    (sound ??= await tarOf([
      { name: 'manifest.json', body: new TextEncoder().encode(MANIFEST) },
      { name: 'ops.json', body: new TextEncoder().encode('[]') },
      { name: 'variant_config.json', body: new TextEncoder().encode('{"nodes":[]}') },
      { name: 'dtypes.json', body: new TextEncoder().encode('{}') },
      { name: 'env.json', body: new TextEncoder().encode('{}') },
      {
        name: 'meta.json',
        body: new TextEncoder().encode('[{"id":"a","producer":"p","producer_version":"1","producer_tags":["t"],"payload":{}}]'),
      },
      { name: 'ops_artifacts/main/model.onnx', body: new Uint8Array(1500).fill(7) },
      { name: 'meta_artifacts/a/' + 'long-name-'.repeat(12) + '.bin', body: new Uint8Array(700).fill(1) },
    ]));

  /** A memory source that counts the bytes asked of it: the work a read did, on any machine. */
  class CountingSource extends MemorySource {
    bytesRead = 0;
    override read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
      this.bytesRead += length;
      return super.read(offset, length, signal);
    }
  }

  /**
   * Reads, walks and plans an extraction; anything thrown must be a kit error. Damage must not make
   * the reader go round in circles: it reads the artifact's bytes a few times at most (the block
   * cache and the member reads overlap), not once per loop of a header that points back.
   */
  async function readAll(bytes: Uint8Array): Promise<'sound' | string> {
    const source = new CountingSource(bytes);
    try {
      const store = new TarStore(source);
      await readArtifact(store);
      await store.members();
      return 'sound';
    } catch (e) {
      if (!(e instanceof FnnxError)) throw new Error(`untyped error: ${(e as Error)?.stack ?? String(e)}`);
      return e.code;
    } finally {
      expect(source.bytesRead).toBeLessThanOrEqual(READ_BUDGET * Math.max(bytes.length, 512));
    }
  }

  const flips = (length: number) =>
    fc.array(fc.record({ at: fc.nat({ max: length - 1 }), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 8 });

  it('the sound artifact itself reads', async () => {
    expect(await readAll(await soundArtifact())).toBe('sound');
  });

  it('every truncation ends sound or in a typed error', async () => {
    const bytes = await soundArtifact();
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: bytes.length - 1 }), async (cut) => {
        await readAll(bytes.subarray(0, cut));
      }),
      { numRuns: 300 },
    );
  });

  it('byte flips anywhere (headers, PAX records, JSON) end sound or in a typed error', async () => {
    const bytes = await soundArtifact();
    await fc.assert(
      fc.asyncProperty(flips(bytes.length), async (changes) => {
        const damaged = Uint8Array.from(bytes);
        for (const { at, value } of changes) damaged[at] = value;
        await readAll(damaged);
      }),
      { numRuns: 400 },
    );
  });

  it('byte flips confined to header blocks end sound or in a typed error', async () => {
    const bytes = await soundArtifact();
    const { entries } = await walkTar(new MemorySource(bytes));
    const headerBytes = entries.flatMap((e) => Array.from({ length: e.dataOffset - e.headerOffset }, (_, i) => e.headerOffset + i));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ i: fc.nat({ max: headerBytes.length - 1 }), value: fc.integer({ min: 0, max: 255 }) }), {
          minLength: 1,
          maxLength: 4,
        }),
        async (changes) => {
          const damaged = Uint8Array.from(bytes);
          for (const { i, value } of changes) damaged[headerBytes[i]!] = value;
          await readAll(damaged);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('extracting a damaged artifact writes only inside the target, or fails typed before writing', async () => {
    const bytes = await soundArtifact();
    await fc.assert(
      fc.asyncProperty(flips(bytes.length), fc.nat({ max: bytes.length }), async (changes, cut) => {
        const damaged = Uint8Array.from(bytes.subarray(0, Math.max(cut, 512)));
        for (const { at, value } of changes) if (at < damaged.length) damaged[at] = value;
        const box = join(scratch, `box-${runId++}`);
        const target = join(box, 'out');
        mkdirSync(box);
        try {
          await extractTar(new MemorySource(damaged), target);
        } catch (e) {
          if (!(e instanceof FnnxError)) throw e;
        }
        expect(readdirSync(box).filter((n) => n !== 'out')).toEqual([]);
        rmSync(box, { recursive: true });
      }),
      { numRuns: 60 },
    );
  });
});
