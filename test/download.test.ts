import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { download, type DownloadResult } from '../src/node/download.js';
import type { FnnxError } from '../src/errors.js';
import type { RetryPolicy } from '../src/source/retry.js';
import { startRangeServer, type RangeServer } from './helpers/range-server.js';
import { CORPUS_TAR, tempDir } from './helpers/paths.js';
import { pythonFileIndex } from './helpers/python.js';

const FAST: RetryPolicy = { retries: 3, baseDelayMs: 10, maxDelayMs: 40, maxRetryAfterMs: 3000, random: () => 0.5 };
const SIZE = 8 * 1024 * 1024;
const QUARTER = SIZE / 4;
const STALL_AT = Math.round(SIZE * 0.3);
/** A server's delay before it answers, in the abort tests: a missed abort would wait all of it. */
const DELAY_MS = 10_000;

let root: string;
let out: string;
let blob: Buffer;
let blobSha: string;
let server: RangeServer;
let strong: RangeServer;
let n = 0;

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  root = tempDir('fnnx-dl-src-');
  out = tempDir('fnnx-dl-out-');
  blob = randomBytes(SIZE);
  blobSha = sha(blob);
  writeFileSync(join(root, 'model.fnnx'), blob);
  copyFileSync(CORPUS_TAR, join(root, 'corpus.fnnx'));
  server = await startRangeServer(root);
  strong = await startRangeServer(root, { strongEtag: true });
});
afterAll(async () => {
  await server.close();
  await strong.close();
});
beforeEach(() => {
  server.reset();
  strong.reset();
});

/** A fresh output path per test. */
function target(): string {
  return join(out, `got-${n++}.fnnx`);
}

async function failure(p: Promise<unknown>): Promise<FnnxError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, 'expected a rejection').toBeDefined();
  return e as FnnxError;
}

function expectWhole(file: string, result: DownloadResult, bytes = blob): void {
  expect(readFileSync(file).equals(bytes)).toBe(true);
  expect(result.sha256).toBe(sha(bytes));
  expect(existsSync(`${file}.part`)).toBe(false);
  expect(existsSync(`${file}.part.json`)).toBe(false);
}

/**
 * Starts a download from a server that stalls a little past 25%, and aborts it once at least 25%
 * is on disk. Resolves to the error.
 */
async function abortAtQuarter(srv: RangeServer, file: string, name = 'model.fnnx'): Promise<{ error: FnnxError }> {
  srv.inject({ kind: 'stall', afterBytes: STALL_AT });
  const ac = new AbortController();
  const onProgress = (p: { done: number }) => {
    if (p.done < QUARTER || ac.signal.aborted) return;
    ac.abort();
  };
  const error = await failure(download(srv.url(name), file, { retry: FAST, signal: ac.signal, onProgress }));
  return { error };
}

describe('download', () => {
  it('downloads, verifies SHA-256 and size, and renames: one request, every byte once, Range the only header of ours', async () => {
    const file = target();
    const r = await download(server.url('model.fnnx'), file, { sha256: blobSha, size: SIZE });
    expectWhole(file, r);
    expect(r).toMatchObject({ size: SIZE, transferred: SIZE, requests: 1, resumedFrom: 0, restarted: false, verified: ['size', 'sha256'] });
    expect(server.requests.map((q) => [q.range, q.status, q.bytes])).toEqual([['bytes=0-', 206, SIZE]]);
    expect(server.requests[0]!.headers['if-match']).toBeUndefined();
  });

  it('resumes after a connection dropped at 25% with Range from where the part ends: 2 requests, the file sent once', async () => {
    const file = target();
    server.inject({ kind: 'drop', afterBytes: QUARTER });
    const r = await download(server.url('model.fnnx'), file, { sha256: blobSha, retry: FAST });
    expectWhole(file, r);
    expect(server.requests.map((q) => q.range)).toEqual(['bytes=0-', `bytes=${QUARTER}-`]);
    expect(server.bytesSent()).toBe(SIZE);
    expect(r).toMatchObject({ transferred: SIZE, requests: 2, resumedFrom: 0 });
  });

  it('survives two 503s and a 429 with Retry-After: 4 requests, the bytes sent once', async () => {
    const file = target();
    server.inject({ kind: 'status', status: 503 }, { kind: 'status', status: 503 }, { kind: 'status', status: 429, retryAfter: '0' });
    const r = await download(server.url('model.fnnx'), file, { sha256: blobSha, retry: FAST });
    expectWhole(file, r);
    expect(server.requests.map((q) => q.status)).toEqual([503, 503, 429, 206]);
    expect(server.bytesSent()).toBe(SIZE);
  });

  it('stops on abort while the server stalls, leaving a part the next run resumes: the second run transfers at most 80%', async () => {
    const file = target();
    // The server stalls for good: only the abort ends this run (the stall timeout or the rate check would end it as TIMEOUT or TOO_SLOW).
    const { error } = await abortAtQuarter(server, file);
    expect(error.code).toBe('ABORTED');
    const kept = statSync(`${file}.part`).size;
    expect(kept).toBeGreaterThanOrEqual(QUARTER);
    expect(kept).toBeLessThanOrEqual(STALL_AT);
    expect(existsSync(`${file}.part.json`)).toBe(true);
    expect(existsSync(file)).toBe(false);
    server.reset();
    const r = await download(server.url('model.fnnx'), file, { sha256: blobSha, retry: FAST });
    expectWhole(file, r);
    expect(server.requests.map((q) => q.range)).toEqual([`bytes=${kept}-`]);
    expect(r).toMatchObject({ resumedFrom: kept, transferred: SIZE - kept, requests: 1 });
    expect(r.transferred).toBeLessThanOrEqual(0.8 * SIZE);
  });

  it('aborts a server that has not answered yet, well before its reply would come', async () => {
    const file = target();
    server.inject({ kind: 'delay', ms: DELAY_MS });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const started = Date.now();
    const e = await failure(download(server.url('model.fnnx'), file, { signal: ac.signal, retry: FAST }));
    expect(e.code).toBe('ABORTED');
    // Against the server's delay, not a budget of this machine's: a missed abort waits all of it.
    expect(Date.now() - started).toBeLessThan(DELAY_MS / 2);
    expect(server.bytesSent()).toBe(0);
  });

  it('starts over when the object was replaced between runs (If-Match → 412), never mixing the two', async () => {
    const file = target();
    writeFileSync(join(root, 'replaced.fnnx'), blob);
    await abortAtQuarter(strong, file, 'replaced.fnnx');
    const kept = statSync(`${file}.part`).size;
    const next = randomBytes(SIZE);
    writeFileSync(join(root, 'replaced.tmp'), next);
    renameSync(join(root, 'replaced.tmp'), join(root, 'replaced.fnnx'));
    strong.reset();
    const r = await download(strong.url('replaced.fnnx'), file, { sha256: sha(next), retry: FAST });
    expectWhole(file, r, next);
    expect(strong.requests.map((q) => [q.range, q.status])).toEqual([
      [`bytes=${kept}-`, 412],
      ['bytes=0-', 206],
    ]);
    expect(strong.requests[0]!.headers['if-match']).toMatch(/^"/);
    expect(r).toMatchObject({ restarted: true, transferred: SIZE, requests: 2 });
  });

  it('takes the whole body from byte 0 when the server ignores Range on a resume: 1 request, no mix', async () => {
    const file = target();
    await abortAtQuarter(server, file);
    const kept = statSync(`${file}.part`).size;
    server.reset();
    server.inject({ kind: 'ignoreRange' });
    const r = await download(server.url('model.fnnx'), file, { sha256: blobSha, retry: FAST });
    expectWhole(file, r);
    expect(server.requests.map((q) => [q.range, q.status])).toEqual([[`bytes=${kept}-`, 200]]);
    expect(r).toMatchObject({ transferred: SIZE, requests: 1 });
  });

  it('on a SHA-256 mismatch fails with HASH_MISMATCH and leaves neither the file nor the part', async () => {
    const file = target();
    const e = await failure(download(server.url('model.fnnx'), file, { sha256: '0'.repeat(64) }));
    expect([e.code, e.kind]).toEqual(['HASH_MISMATCH', 'artifact']);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(`${file}.part`)).toBe(false);
    expect(existsSync(`${file}.part.json`)).toBe(false);
    expect(server.bytesSent()).toBe(SIZE);
  });

  it('on a size mismatch fails with SIZE_MISMATCH before renaming', async () => {
    const file = target();
    const e = await failure(download(server.url('model.fnnx'), file, { size: SIZE + 1 }));
    expect(e.code).toBe('SIZE_MISMATCH');
    expect(existsSync(file)).toBe(false);
  });

  it('checks a descriptor: size, file_hash and the file_index read from the downloaded headers', async () => {
    const bytes = readFileSync(CORPUS_TAR);
    const descriptor = { file_hash: sha(bytes), size: bytes.length, file_index: pythonFileIndex(CORPUS_TAR) };
    const file = target();
    const r = await download(server.url('corpus.fnnx'), file, { descriptor });
    expectWhole(file, r, bytes);
    expect(r.verified).toEqual(['size', 'sha256', 'file_index']);

    const [first] = Object.keys(descriptor.file_index);
    const wrong = { ...descriptor, file_index: { ...descriptor.file_index, [first!]: [0, 1] as [number, number] } };
    const bad = target();
    const e = await failure(download(server.url('corpus.fnnx'), bad, { descriptor: wrong }));
    expect([e.code, e.member]).toEqual(['INDEX_MISMATCH', first]);
    expect(existsSync(bad)).toBe(false);
    expect(existsSync(`${bad}.part`)).toBe(false);
  });

  it('reports progress in order up to the whole size', async () => {
    const seen: number[] = [];
    await download(server.url('model.fnnx'), target(), { onProgress: (p) => seen.push(p.done) });
    expect(seen.at(-1)).toBe(SIZE);
    expect(seen.every((v, i) => i === 0 || v > seen[i - 1]!)).toBe(true);
  });
});
