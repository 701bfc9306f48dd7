import { describe, expect, it } from 'vitest';
import { copyFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { FileSource, openStore, readArtifact, walkTar } from '../src/index.js';
import { fileIndexOf } from '../src/tar/file-index.js';
import { appendToArtifact } from '../src/node/append-file.js';
import { metaAppendMembers } from '../src/append/meta.js';
import { newHexId, entryIdFor } from '../src/append/ids.js';
import { CORPUS_DIR, CORPUS_TAR, tempDir } from './helpers/paths.js';
import { pythonFileIndex } from './helpers/python.js';
import { runCli } from './helpers/cli.js';
import { gnuTarList } from './helpers/build-fixtures.js';

const entry = (id: string) => ({
  id,
  producer: 'tests',
  producer_version: '1',
  producer_tags: ['tests::report:v1'],
  payload: { score: 0.9 },
});

async function endOffsetOf(path: string): Promise<number> {
  const s = await FileSource.open(path);
  try {
    return (await walkTar(s)).endOffset;
  } finally {
    await s.close();
  }
}

async function metadataOf(path: string) {
  const store = await openStore(path);
  try {
    return await readArtifact(store);
  } finally {
    await store.close();
  }
}

function corpusCopy(): { dir: string; path: string } {
  const dir = tempDir();
  const path = join(dir, 'model.fnnx');
  copyFileSync(CORPUS_TAR, path);
  return { dir, path };
}

describe('append-meta', () => {
  it('keeps the original minus its end blocks as a byte prefix of the result, and writes a fresh end', async () => {
    const { dir, path } = corpusCopy();
    const before = readFileSync(path);
    const end = await endOffsetOf(path);
    writeFileSync(join(dir, 'entry.json'), JSON.stringify(entry('report')));
    writeFileSync(join(dir, 'report.html'), '<h1>report</h1>');
    const r = runCli(['append-meta', path, '--entry', join(dir, 'entry.json'), '--attach', `report.html=${join(dir, 'report.html')}`]);
    expect(r.code, r.stderr).toBe(0);
    const after = readFileSync(path);
    expect(after.subarray(0, end).equals(before.subarray(0, end))).toBe(true);
    expect(after.subarray(after.length - 1024).every((b) => b === 0)).toBe(true);
    expect(r.stderr).toMatch(/SHA-256, size and file_index differ/);
  });

  it('adds a meta-<32 hex>.json sidecar and the attachment under meta_artifacts/<entry id>/, readable by GNU tar and Python', async () => {
    const { dir, path } = corpusCopy();
    writeFileSync(join(dir, 'entry.json'), JSON.stringify(entry('report')));
    writeFileSync(join(dir, 'report.html'), '<h1>report</h1>');
    runCli(['append-meta', path, '--entry', join(dir, 'entry.json'), '--attach', `report.html=${join(dir, 'report.html')}`]);
    const names = gnuTarList(path);
    expect(names.filter((n) => /^meta-[0-9a-f]{32}\.json$/.test(n))).toHaveLength(1);
    expect(names).toContain('meta_artifacts/report/report.html');
    const a = await metadataOf(path);
    expect(a.fileIndex).toEqual(pythonFileIndex(path));
    expect(a.metadata.map((m) => m.entry.id)).toEqual(['report']);
    const store = await openStore(path);
    expect(new TextDecoder().decode(await store.read('meta_artifacts/report/report.html'))).toBe('<h1>report</h1>');
    await store.close();
  });

  it('appends twice in order: the later sidecar sorts after the earlier one, so effective metadata keeps append order', async () => {
    const { dir, path } = corpusCopy();
    for (const id of ['first', 'second']) {
      writeFileSync(join(dir, `${id}.json`), JSON.stringify(entry(id)));
      expect(runCli(['append-meta', path, '--entry', join(dir, `${id}.json`)]).code).toBe(0);
    }
    expect((await metadataOf(path)).metadata.map((m) => m.entry.id)).toEqual(['first', 'second']);
  });

  it('refuses a gzip-compressed artifact with exit 1 and leaves it untouched', () => {
    const dir = tempDir();
    const path = join(dir, 'model.fnnx');
    const gz = gzipSync(readFileSync(CORPUS_TAR));
    writeFileSync(path, gz);
    writeFileSync(join(dir, 'entry.json'), JSON.stringify(entry('x')));
    const r = runCli(['append-meta', path, '--entry', join(dir, 'entry.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/compressed: refusing to append.*\(COMPRESSED\)/);
    expect(readFileSync(path).equals(gz)).toBe(true);
  });

  it('refuses an entry missing required keys before writing anything', () => {
    const { dir, path } = corpusCopy();
    writeFileSync(join(dir, 'entry.json'), JSON.stringify({ id: 'x', payload: {} }));
    const r = runCli(['append-meta', path, '--entry', join(dir, 'entry.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/META_ENTRY_INCOMPLETE/);
    expect(readFileSync(path).equals(readFileSync(CORPUS_TAR))).toBe(true);
  });

  it('while an append is in progress, readers still see exactly the original archive', async () => {
    const { path } = corpusCopy();
    const original = pythonFileIndex(path);
    let seenMidway: Record<string, [number, number]> | undefined;
    const body = {
      size: 3 * 1024 * 1024,
      async *open() {
        yield new Uint8Array(1024 * 1024).fill(1);
        yield new Uint8Array(1024 * 1024).fill(2);
        seenMidway = pythonFileIndex(path);
        yield new Uint8Array(1024 * 1024).fill(3);
      },
    };
    await appendToArtifact(path, async () => metaAppendMembers([entry('big')], [{ name: 'blob.bin', body }], newHexId()));
    expect(seenMidway).toEqual(original);
    expect(pythonFileIndex(path)['meta_artifacts/big/blob.bin']?.[1]).toBe(3 * 1024 * 1024);
  });

  it('an append that fails half-way leaves the original file byte for byte', async () => {
    const { path } = corpusCopy();
    const before = readFileSync(path);
    const body = {
      size: 2 * 1024 * 1024,
      async *open(): AsyncGenerator<Uint8Array> {
        yield new Uint8Array(1024 * 1024).fill(7);
        throw new Error('disk source vanished');
      },
    };
    await expect(
      appendToArtifact(path, async () => metaAppendMembers([entry('big')], [{ name: 'blob.bin', body }], newHexId())),
    ).rejects.toThrow('disk source vanished');
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('appends to the directory form by creating new files only', async () => {
    const dir = join(tempDir(), 'model.fnnx');
    cpSync(CORPUS_DIR, dir, { recursive: true });
    const hex = newHexId();
    const r = await appendToArtifact(dir, async () =>
      metaAppendMembers([entry(entryIdFor('tests::report:v1', hex))], [{ name: 'a.txt', body: new Uint8Array([65]) }], hex),
    );
    expect(r.members).toEqual([`meta-${hex}.json`, `meta_artifacts/tests~c~~c~report~c~v1~~et~~${hex}/a.txt`]);
    expect((await metadataOf(dir)).metadata).toHaveLength(1);
  });

  it('refuses attachments for an entry whose id cannot be a folder name', () => {
    expect(() => metaAppendMembers([entry('a/b')], [{ name: 'x', body: new Uint8Array(1) }], newHexId())).toThrow(
      expect.objectContaining({ code: 'META_ID_UNSAFE' }),
    );
  });

  it('keeps the walk index and Python index in agreement after an append', async () => {
    const { path } = corpusCopy();
    await appendToArtifact(path, async () => metaAppendMembers([entry('e')], [], newHexId()));
    const s = await FileSource.open(path);
    expect(fileIndexOf((await walkTar(s)).entries)).toEqual(pythonFileIndex(path));
    await s.close();
  });
});
