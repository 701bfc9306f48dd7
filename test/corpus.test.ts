import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { FileSource, MemorySource, TarStore, walkTar, readArtifact, openStore, CountingSource } from '../src/index.js';
import { fileIndexOf } from '../src/tar/file-index.js';
import { pythonFileIndex } from './helpers/python.js';
import { CORPUS_DIR, CORPUS_TAR, TESTOP_DIR } from './helpers/paths.js';

describe('reference corpus', () => {
  it('indexes the reference tar exactly as Python tarfile does', async () => {
    const source = await FileSource.open(CORPUS_TAR);
    const { entries } = await walkTar(source);
    expect(fileIndexOf(entries)).toEqual(pythonFileIndex(CORPUS_TAR));
    await source.close();
  });

  it('reads the same artifact from its tar and its directory form', async () => {
    const fromTar = await readArtifact(await openStore(CORPUS_TAR));
    const fromDir = await readArtifact(await openStore(CORPUS_DIR));
    expect(fromTar.manifest).toEqual(fromDir.manifest);
    expect(fromTar.ops).toEqual(fromDir.ops);
    expect(fromTar.variantConfig).toEqual(fromDir.variantConfig);
    expect(fromTar.manifest.variant).toBe('pipeline');
    expect(fromTar.ops).toHaveLength(4);
  });

  it('warns (not fails) that the corpus meta.json is an object, not an array', async () => {
    const a = await readArtifact(await openStore(CORPUS_TAR));
    expect(a.metadata).toEqual([]);
    expect(a.warnings.map((w) => [w.code, w.member])).toContainEqual(['ROOT_FILE_TYPE', 'meta.json']);
  });

  it('treats missing env.json and meta.json as empty in the TestOp directory artifact', async () => {
    const a = await readArtifact(await openStore(TESTOP_DIR));
    expect(a.env).toEqual({});
    expect(a.metadata).toEqual([]);
    expect(Object.keys(a.dtypes)).toEqual(['ext::hello']);
  });

  it('with a known index, reading manifest.json is one read of exactly its bytes', async () => {
    const bytes = new Uint8Array(readFileSync(CORPUS_TAR));
    const index = pythonFileIndex(CORPUS_TAR);
    const counted = new CountingSource(new MemorySource(bytes));
    const store = new TarStore(counted, { index });
    const manifest = await store.read('manifest.json');
    expect(JSON.parse(new TextDecoder().decode(manifest)).variant).toBe('pipeline');
    expect(counted.log).toEqual([index['manifest.json']]);
  });
});
