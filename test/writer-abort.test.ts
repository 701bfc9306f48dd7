/**
 * Every writer takes an AbortSignal: aborted before it starts or while bytes flow, it throws the
 * ABORTED error and leaves no partial output (no file, no temp file, no staging folder, no lock;
 * an append leaves the artifact byte-identical), so the same write can simply be run again.
 * buildCardZip's signal is pinned in test/append-card.test.ts.
 */
import { copyFileSync, cpSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  appendToArtifact,
  buildArtifact,
  metaAppendMembers,
  newHexId,
  packToFile,
  wasmHasher,
  writeArtifactDir,
  type ArtifactInput,
  type StreamBody,
} from '../src/index.js';
import { CORPUS_DIR, CORPUS_TAR, tempDir } from './helpers/paths.js';
import { minimalManifest } from './helpers/build-fixtures.js';

const MB = 1024 * 1024;

/** A 3 MB member body that aborts `controller` once its first megabyte has been handed over. */
function abortingBody(controller: AbortController): StreamBody {
  return {
    size: 3 * MB,
    async *open() {
      yield new Uint8Array(MB).fill(1);
      controller.abort();
      yield new Uint8Array(MB).fill(2);
      yield new Uint8Array(MB).fill(3);
    },
  };
}

function inputWith(body: StreamBody): ArtifactInput {
  return { manifest: minimalManifest(), files: [{ name: 'data/blob.bin', body }] };
}

const metaEntry = { id: 'e', producer: 'tests', producer_version: '1', producer_tags: ['tests::report:v1'], payload: { score: 1 } };

/** Every file (not folder: an append's folders made on the way may stay, empty) under `dir`. */
function filesUnder(dir: string): string[] {
  const entries = readdirSync(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

function tarCopy(): { dir: string; path: string } {
  const dir = tempDir();
  const path = join(dir, 'model.fnnx');
  copyFileSync(CORPUS_TAR, path);
  return { dir, path };
}

const aborted = { code: 'ABORTED' };

describe('buildArtifact with a signal', () => {
  it('sends nothing to the sink when the signal is already aborted', async () => {
    const chunks: Uint8Array[] = [];
    const build = buildArtifact(inputWith(abortingBody(new AbortController())), async (c) => void chunks.push(c), {
      fileName: 'a.fnnx',
      hasher: wasmHasher,
      signal: AbortSignal.abort(),
    });
    await expect(build).rejects.toMatchObject(aborted);
    expect(chunks).toEqual([]);
  });

  it('stops between chunks once aborted: no chunk after the abort reaches the sink', async () => {
    const controller = new AbortController();
    let afterAbort = 0;
    const sink = async () => {
      if (controller.signal.aborted) afterAbort++;
    };
    const build = buildArtifact(inputWith(abortingBody(controller)), sink, {
      fileName: 'a.fnnx',
      hasher: wasmHasher,
      signal: controller.signal,
    });
    await expect(build).rejects.toMatchObject(aborted);
    expect(afterAbort).toBe(0);
  });
});

describe('packToFile with a signal', () => {
  it('aborted while writing, leaves no output, no temp file and no lock: the same pack then succeeds', async () => {
    const dir = tempDir();
    const out = join(dir, 'a.fnnx');
    const controller = new AbortController();
    await expect(packToFile(inputWith(abortingBody(controller)), out, { signal: controller.signal })).rejects.toMatchObject(aborted);
    expect(readdirSync(dir)).toEqual([]);
    await packToFile(inputWith(abortingBody(new AbortController())), out);
    expect(readdirSync(dir)).toEqual(['a.fnnx']);
  });

  it('already aborted, creates nothing', async () => {
    const dir = tempDir();
    const pack = packToFile(inputWith(abortingBody(new AbortController())), join(dir, 'a.fnnx'), { signal: AbortSignal.abort() });
    await expect(pack).rejects.toMatchObject(aborted);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('appendToArtifact with a signal', () => {
  const planWith = (body: StreamBody) => async () => metaAppendMembers([metaEntry], [{ name: 'blob.bin', body }], newHexId());

  it('aborted while writing a tar, puts the file back byte for byte and leaves no undo file or lock: the append then succeeds', async () => {
    const { dir, path } = tarCopy();
    const controller = new AbortController();
    const append = appendToArtifact(path, planWith(abortingBody(controller)), { signal: controller.signal });
    await expect(append).rejects.toMatchObject(aborted);
    expect(readFileSync(path).equals(readFileSync(CORPUS_TAR))).toBe(true);
    expect(readdirSync(dir)).toEqual(['model.fnnx']);
    const done = await appendToArtifact(path, planWith(abortingBody(new AbortController())));
    expect(done.members).toHaveLength(2);
  });

  it('already aborted, reads and writes nothing', async () => {
    const { dir, path } = tarCopy();
    let planned = false;
    const plan = async () => {
      planned = true;
      return [];
    };
    await expect(appendToArtifact(path, plan, { signal: AbortSignal.abort() })).rejects.toMatchObject(aborted);
    expect(planned).toBe(false);
    expect(readFileSync(path).equals(readFileSync(CORPUS_TAR))).toBe(true);
    expect(readdirSync(dir)).toEqual(['model.fnnx']);
  });

  it('aborted while writing the directory form, takes back the files it made', async () => {
    const dir = join(tempDir(), 'model.fnnx');
    cpSync(CORPUS_DIR, dir, { recursive: true });
    const before = filesUnder(dir);
    const controller = new AbortController();
    const append = appendToArtifact(dir, planWith(abortingBody(controller)), { signal: controller.signal });
    await expect(append).rejects.toMatchObject(aborted);
    expect(filesUnder(dir)).toEqual(before);
  });
});

describe('writeArtifactDir with a signal', () => {
  // check: false: the members are not a valid artifact's, and the signal is what is tested.
  it('aborted while writing, leaves neither the directory nor its staging folder', async () => {
    const parent = tempDir();
    const controller = new AbortController();
    const write = writeArtifactDir(join(parent, 'out'), inputWith(abortingBody(controller)), { check: false, signal: controller.signal });
    await expect(write).rejects.toMatchObject(aborted);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('already aborted, creates nothing', async () => {
    const parent = tempDir();
    const write = writeArtifactDir(join(parent, 'out'), inputWith(abortingBody(new AbortController())), {
      check: false,
      signal: AbortSignal.abort(),
    });
    await expect(write).rejects.toMatchObject(aborted);
    expect(existsSync(join(parent, 'out'))).toBe(false);
  });
});
