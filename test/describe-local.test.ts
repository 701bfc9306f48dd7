import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeFile } from '../src/node/describe-file.js';
import { workerExecArgv } from '../src/node/describe-local.js';
import { FILE_HASH_CHUNK } from '../src/node/file-chunks.js';
import { walkTar, FileSource } from '../src/index.js';
import { sha256File } from './helpers/build-fixtures.js';
import { CORPUS_TAR, tempDir } from './helpers/paths.js';
import { BIG_MEMBER, writeSparseArtifact } from './helpers/sparse-artifact.js';

const DIST_DESCRIBE = fileURLToPath(new URL('../dist/node/describe-file.js', import.meta.url));

/** Rejects with the FnnxError fields the CLI maps (code, kind, member). */
async function failure(p: Promise<unknown>): Promise<{ code?: string; kind?: string; member?: string }> {
  const e = (await p.then(
    () => undefined,
    (err: unknown) => err,
  )) as { code?: string; kind?: string; member?: string } | undefined;
  expect(e).toBeDefined();
  return { code: e!.code, kind: e!.kind, member: e!.member };
}

describe('describeFile on a local file: synchronous cache-sized reads, on a worker or on the calling thread', () => {
  it('gives the same descriptor on the worker and on the calling thread, hashed as sha256 of the whole file', async () => {
    const dir = tempDir();
    // Many chunks, and a member that ends in the middle of one.
    const art = writeSparseArtifact(join(dir, 'm.fnnx'), 40 * FILE_HASH_CHUNK + 12345);
    const onWorker = await describeFile(art.path);
    const here = await describeFile(art.path, { worker: false });
    expect(onWorker).toEqual(here);
    // The index keeps no prototype across the worker boundary, so "constructor" is not a member.
    expect(Object.getPrototypeOf(onWorker.descriptor.file_index)).toBeNull();
    expect(onWorker.descriptor.file_index['constructor']).toBeUndefined();
    expect(here.descriptor.file_hash).toBe(sha256File(art.path));
    expect(here.descriptor.size).toBe(art.size);
    expect(here.descriptor.file_index).toEqual(art.index);
    expect(here.descriptor.manifest.producer_name).toBe('fnnx-kit-tests');
  });

  it('computes an extra digest (md5) in the same pass on the worker', async () => {
    const dir = tempDir();
    const file = join(dir, 'c.fnnx');
    copyFileSync(CORPUS_TAR, file);
    const onWorker = await describeFile(file, { extraDigests: ['md5'] });
    const here = await describeFile(file, { extraDigests: ['md5'], worker: false });
    expect(onWorker.digests.md5).toMatch(/^[0-9a-f]{32}$/);
    expect(onWorker.digests).toEqual(here.digests);
  });

  it("leaves the caller's event loop free while the worker hashes", async () => {
    const dir = tempDir();
    const art = writeSparseArtifact(join(dir, 'big.fnnx'), 192 * 1024 * 1024);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      await describeFile(art.path);
    } finally {
      clearInterval(timer);
    }
    // 192 MiB takes well over 50 ms on any host; the timer must have run during it.
    expect(ticks).toBeGreaterThanOrEqual(3);
  });

  it('reports progress from the worker, in order, up to the file size', async () => {
    const dir = tempDir();
    const art = writeSparseArtifact(join(dir, 'p.fnnx'), 64 * 1024 * 1024);
    const seen: number[] = [];
    await describeFile(art.path, { onProgress: (n) => seen.push(n) });
    expect(seen.length).toBeGreaterThan(2);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    expect(seen.at(-1)!).toBeLessThanOrEqual(art.size);
  });

  it('an abort ends the worker: describeFile rejects with ABORTED', async () => {
    const dir = tempDir();
    const art = writeSparseArtifact(join(dir, 'a.fnnx'), 512 * 1024 * 1024);
    const ac = new AbortController();
    const p = describeFile(art.path, { signal: ac.signal, onProgress: () => ac.abort() });
    expect(await failure(p)).toMatchObject({ code: 'ABORTED', kind: 'io' });
  });

  it('errors cross from the worker with their code, kind and member, as on the calling thread', async () => {
    const dir = tempDir();
    const art = writeSparseArtifact(join(dir, 't.fnnx'), 3 * FILE_HASH_CHUNK);
    const entries = (await walkTar(await FileSource.open(art.path))).entries;
    const big = entries.find((e) => e.name === BIG_MEMBER)!;
    truncateSync(art.path, big.dataOffset + FILE_HASH_CHUNK + 7);
    const onWorker = await failure(describeFile(art.path));
    const here = await failure(describeFile(art.path, { worker: false }));
    expect(onWorker).toEqual({ code: 'TRUNCATED_DATA', kind: 'artifact', member: BIG_MEMBER });
    expect(here).toEqual(onWorker);
  });

  it('starts its worker in a program run as `node --input-type=module -e`', () => {
    const dir = tempDir();
    const file = join(dir, 'c.fnnx');
    copyFileSync(CORPUS_TAR, file);
    const script = `const { describeFile } = await import(${JSON.stringify(DIST_DESCRIBE)}); console.log((await describeFile(process.argv[1])).descriptor.file_hash);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, file], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(sha256File(file));
  });

  it("passes the host's Node flags to the worker, less --input-type (both spellings)", () => {
    expect(workerExecArgv(['--input-type=module', '--enable-source-maps', '--input-type', 'commonjs', '--no-warnings'])).toEqual([
      '--enable-source-maps',
      '--no-warnings',
    ]);
  });
});
