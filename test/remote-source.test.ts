import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { copyFileSync, readFileSync, readdirSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CountingSource, HttpSource, openSource, openStore, readArtifact, type ByteSource, type FnnxError } from '../src/index.js';
import { openStoreWith } from '../src/node/open.js';
import { openHttpSource } from '../src/source/http-open.js';
import { LimitedSource } from '../src/source/limited-source.js';
import { openUrl } from '../src/web/open.js';
import type { RetryPolicy } from '../src/source/retry.js';
import { startRangeServer, type RangeServer } from './helpers/range-server.js';
import { writeSparseArtifact, type SparseArtifact } from './helpers/sparse-artifact.js';
import { CORPUS_TAR, tempDir } from './helpers/paths.js';
import { pythonFileIndex } from './helpers/python.js';

const GiB = 1024 ** 3;
/** A server's delay before it answers, in the abort test: a missed abort would wait all of it. */
const DELAY_MS = 10_000;
/** Fast and deterministic backoff so fault tests take milliseconds. */
const FAST: RetryPolicy = { retries: 3, baseDelayMs: 10, maxDelayMs: 40, maxRetryAfterMs: 3000, random: () => 0.5 };
/**
 * What Node's fetch adds by itself (pragma and cache-control: its rule for any conditional
 * request, i.e. one with If-Match); anything else on the wire would be ours.
 */
const TRANSPORT_HEADERS = [
  'host',
  'connection',
  'accept',
  'accept-language',
  'sec-fetch-mode',
  'user-agent',
  'accept-encoding',
  'pragma',
  'cache-control',
];

let dir: string;
let big: SparseArtifact;
let blob: Buffer;
let weak: RangeServer;
let strong: RangeServer;

beforeAll(async () => {
  dir = tempDir('fnnx-remote-');
  big = writeSparseArtifact(join(dir, 'big.fnnx'), GiB);
  copyFileSync(CORPUS_TAR, join(dir, 'corpus.fnnx'));
  blob = randomBytes(1024 * 1024);
  writeFileSync(join(dir, 'blob.bin'), blob);
  weak = await startRangeServer(dir);
  strong = await startRangeServer(dir, { strongEtag: true });
});
afterAll(async () => {
  await weak.close();
  await strong.close();
});
beforeEach(() => {
  weak.reset();
  strong.reset();
});

async function rejection(p: Promise<unknown>): Promise<FnnxError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, 'expected a rejection').toBeDefined();
  return e as FnnxError;
}

describe('remote inspect and index-driven reads', () => {
  it('inspects a 1 GiB artifact whose manifest comes first in at most 2 requests and 256 KiB', async () => {
    const counted: CountingSource[] = [];
    const store = await openStoreWith(weak.url('big.fnnx'), { wrap: (s) => (counted.push(new CountingSource(s)), counted[0]!) });
    const contents = await readArtifact(store);
    await store.close();
    expect(contents.manifest.producer_name).toBe('fnnx-kit-tests');
    expect(contents.fileIndex).toEqual(big.index);
    expect(weak.requests.length).toBeLessThanOrEqual(2);
    expect(weak.bytesSent()).toBeLessThanOrEqual(256 * 1024);
    // The source-side count agrees with the server: the opening range plus the reads past it.
    expect(counted[0]!.bytes).toBeLessThanOrEqual(256 * 1024);
  });

  it('with a known index, reading manifest.json is exactly one request of exactly its bytes, and no probe', async () => {
    const counted: CountingSource[] = [];
    const wrap = (s: ByteSource) => (counted.push(new CountingSource(s)), counted[0]!);
    const store = await openStoreWith(weak.url('big.fnnx'), { index: big.index, wrap });
    const manifest = JSON.parse(new TextDecoder().decode(await store.read('manifest.json'))) as { variant: string };
    await store.close();
    const [offset, size] = big.index['manifest.json']!;
    expect(manifest.variant).toBe('pipeline');
    expect(weak.requests.map((r) => [r.range, r.bytes, r.status])).toEqual([[`bytes=${offset}-${offset + size - 1}`, size, 206]]);
    expect(counted[0]!.log).toEqual([[offset, size]]);
  });

  it('sends no header beyond Range on a URL without a strong ETag, and Range plus If-Match with one', async () => {
    for (const server of [weak, strong]) {
      const source = await openSource(server.url('blob.bin'));
      await source.read(500_000, 1000);
      await source.read(700_000, 1000);
    }
    const ours = (server: RangeServer) =>
      server.requests.flatMap((r) => r.headerNames.map((h) => h.toLowerCase()).filter((h) => !TRANSPORT_HEADERS.includes(h)));
    expect(new Set(ours(weak))).toEqual(new Set(['range']));
    expect(new Set(ours(strong))).toEqual(new Set(['range', 'if-match']));
    expect(weak.requests.every((r) => /^bytes=\d+-\d+$/.test(r.range ?? ''))).toBe(true);
    expect(strong.requests.slice(1).every((r) => r.headers['if-match'] && !r.headers['if-match'].startsWith('W/'))).toBe(true);
  });

  it('indexes a remote artifact exactly as Python tarfile indexes the file', async () => {
    const store = await openStore(weak.url('corpus.fnnx'));
    expect(await store.fileIndex()).toEqual(pythonFileIndex(CORPUS_TAR));
    await store.close();
  });
});

describe('reply checks', () => {
  it('refuses a 200 to a Range request at once (RANGE_NOT_SUPPORTED) without reading the 1 GiB body', async () => {
    weak.inject({ kind: 'ignoreRange' });
    const e = await rejection(HttpSource.open(weak.url('big.fnnx')));
    expect(e.code).toBe('RANGE_NOT_SUPPORTED');
    await new Promise((r) => setTimeout(r, 100));
    expect(weak.requests).toHaveLength(1);
    expect(weak.requests[0]!.status).toBe(200);
    // Only what socket buffers took before the client hung up: a sliver of the object.
    expect(weak.bytesSent()).toBeLessThan(16 * 1024 * 1024);
  });

  it('refuses a 206 whose Content-Range is not the range asked for (BAD_RANGE_REPLY), without retrying', async () => {
    const source = await openHttpSource(weak.url('blob.bin'), { retry: FAST, headBytes: 1024 });
    weak.reset();
    weak.inject({ kind: 'rewriteRange', range: 'bytes=4096-8191' });
    const e = await rejection(source.read(2048, 4096));
    expect(e.code).toBe('BAD_RANGE_REPLY');
    expect(weak.requests).toHaveLength(1);
  });

  it('reads past the first 64 KiB with exactly the asked range', async () => {
    const source = await HttpSource.open(weak.url('blob.bin'));
    const got = await source.read(500_000, 70_000);
    expect(Buffer.from(got).equals(blob.subarray(500_000, 570_000))).toBe(true);
    expect(weak.requests.map((r) => r.range)).toEqual(['bytes=0-65535', 'bytes=500000-569999']);
  });
});

describe('faults', () => {
  it('survives two 503s and then reads once: 3 requests, the bytes sent once', async () => {
    const source = await openHttpSource(weak.url('blob.bin'), { retry: FAST, headBytes: 1024 });
    weak.reset();
    weak.inject({ kind: 'status', status: 503 }, { kind: 'status', status: 503 });
    const got = await source.read(100_000, 200_000);
    expect(Buffer.from(got).equals(blob.subarray(100_000, 300_000))).toBe(true);
    expect(weak.requests.map((r) => r.status)).toEqual([503, 503, 206]);
    expect(weak.bytesSent()).toBe(200_000);
  });

  it('retries the opening request too (503 then 206)', async () => {
    weak.inject({ kind: 'status', status: 503 });
    const source = await openHttpSource(weak.url('blob.bin'), { retry: FAST });
    expect(source.byteLength).toBe(blob.length);
    expect(weak.requests.map((r) => r.status)).toEqual([503, 206]);
  });

  it('honours Retry-After on a 429 before trying again', async () => {
    const source = await openHttpSource(weak.url('blob.bin'), { retry: FAST, headBytes: 1024 });
    weak.reset();
    weak.inject({ kind: 'status', status: 429, retryAfter: '1' });
    const started = Date.now();
    await source.read(4096, 4096);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(weak.requests.map((r) => r.status)).toEqual([429, 206]);
  });

  it('gives up after the bounded number of retries with the last HTTP status', async () => {
    const source = await openHttpSource(weak.url('blob.bin'), { retry: FAST, headBytes: 1024 });
    weak.reset();
    weak.onRequest = () => ({ kind: 'status', status: 500 });
    const e = await rejection(source.read(4096, 4096));
    expect(e.code).toBe('HTTP_STATUS');
    expect(weak.requests).toHaveLength(FAST.retries + 1);
    expect(weak.bytesSent()).toBe(0);
  });

  it('does not retry a 404', async () => {
    const e = await rejection(openHttpSource(weak.url('missing.fnnx'), { retry: FAST }));
    expect(e.code).toBe('HTTP_STATUS');
    expect(weak.requests).toHaveLength(1);
  });

  it('re-reads the range after a connection dropped mid-body: 2 requests, the partial bytes plus the range', async () => {
    const source = await openHttpSource(weak.url('blob.bin'), { retry: FAST, headBytes: 1024 });
    weak.reset();
    weak.inject({ kind: 'drop', afterBytes: 100_000 });
    const got = await source.read(0 + 2048, 600_000);
    expect(Buffer.from(got).equals(blob.subarray(2048, 602_048))).toBe(true);
    expect(weak.requests).toHaveLength(2);
    expect(weak.bytesSent()).toBe(100_000 + 600_000);
  });

  it('times out a stalled reply and retries it', async () => {
    const source = await openHttpSource(weak.url('blob.bin'), { retry: FAST, headBytes: 1024, timeoutMs: 300 });
    weak.reset();
    weak.inject({ kind: 'stall', afterBytes: 10_000 });
    const got = await source.read(8192, 300_000);
    expect(got.length).toBe(300_000);
    expect(weak.requests).toHaveLength(2);
  });

  it('fails with SOURCE_CHANGED when the object is replaced between reads (strong ETag, If-Match → 412)', async () => {
    const name = 'replaced-strong.bin';
    writeFileSync(join(dir, name), blob);
    const source = await openHttpSource(strong.url(name), { retry: FAST, headBytes: 1024, ifMatch: true });
    const first = await source.read(2048, 1000);
    const replacement = Buffer.from(blob);
    replacement.fill(7, 0, 4096);
    writeFileSync(join(dir, `${name}.tmp`), replacement);
    renameSync(join(dir, `${name}.tmp`), join(dir, name));
    strong.reset();
    const e = await rejection(source.read(3000, 1000));
    expect(Buffer.from(first).equals(blob.subarray(2048, 3048))).toBe(true);
    expect(e.code).toBe('SOURCE_CHANGED');
    expect(strong.requests.map((r) => [r.status, r.bytes])).toEqual([[412, 0]]);
  });

  it('fails with SOURCE_CHANGED when only Last-Modified tells (weak ETag ignored, no If-Match sent)', async () => {
    const name = 'replaced-weak.bin';
    writeFileSync(join(dir, name), blob);
    utimesSync(join(dir, name), new Date(1_600_000_000_000), new Date(1_600_000_000_000));
    const source = await openHttpSource(weak.url(name), { retry: FAST, headBytes: 1024, ifMatch: true });
    utimesSync(join(dir, name), new Date(1_700_000_000_000), new Date(1_700_000_000_000));
    weak.reset();
    const e = await rejection(source.read(3000, 1000));
    expect(e.code).toBe('SOURCE_CHANGED');
    expect(weak.requests).toHaveLength(1);
    expect(weak.requests[0]!.headers['if-match']).toBeUndefined();
  });

  it('stops a slow server when the AbortSignal fires, well before its reply would come, sending no more requests', async () => {
    const source = await openHttpSource(weak.url('blob.bin'), { retry: FAST, headBytes: 1024 });
    weak.reset();
    weak.inject({ kind: 'delay', ms: DELAY_MS });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const started = Date.now();
    const e = await rejection(source.read(4096, 4096, ac.signal));
    expect(e.code).toBe('ABORTED');
    // Against the server's delay, not a budget of this machine's: a missed abort waits all of it.
    expect(Date.now() - started).toBeLessThan(DELAY_MS / 2);
    expect(weak.requests).toHaveLength(1);
    expect(weak.bytesSent()).toBe(0);
  });

  it('keeps at most maxInFlight requests open at once', async () => {
    const http = await HttpSource.open(weak.url('blob.bin'), { headBytes: 1024 });
    const limited = new LimitedSource(http, 2);
    weak.reset();
    weak.onRequest = () => ({ kind: 'delay', ms: 50 });
    const reads = Array.from({ length: 6 }, (_, i) => limited.read(10_000 + i * 10_000, 5000));
    await Promise.all(reads);
    expect(weak.requests).toHaveLength(6);
    expect(weak.peakInFlight()).toBe(2);
  });
});

describe("the page's openUrl goes through the same hardened source as Node", () => {
  it('retries a 503 on the opening request and on a later read, then reads the artifact', async () => {
    weak.inject({ kind: 'status', status: 503 });
    const store = await openUrl(weak.url('corpus.fnnx'), { retry: FAST, headBytes: 1024 });
    weak.inject({ kind: 'status', status: 503 });
    const contents = await readArtifact(store);
    expect(contents.fileIndex).toEqual(pythonFileIndex(join(dir, 'corpus.fnnx')));
    expect(weak.requests.filter((r) => r.status === 503)).toHaveLength(2);
  });

  it('with a known index, reading manifest.json is exactly one request of exactly its bytes', async () => {
    const store = await openUrl(weak.url('big.fnnx'), { index: big.index, retry: FAST });
    await store.read('manifest.json');
    const [offset, size] = big.index['manifest.json']!;
    expect(weak.requests.map((r) => [r.range, r.status])).toEqual([[`bytes=${offset}-${offset + size - 1}`, 206]]);
  });

  it('keeps at most maxInFlight requests open at once', async () => {
    const index = {
      ...Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`part${i}`, [100_000 + i * 10_000, 5000] as [number, number]])),
    };
    const store = await openUrl(weak.url('blob.bin'), { index, maxInFlight: 2, retry: FAST });
    weak.reset();
    weak.onRequest = () => ({ kind: 'delay', ms: 50 });
    await Promise.all(Object.keys(index).map((name) => store.read(name)));
    expect(weak.requests).toHaveLength(6);
    expect(weak.peakInFlight()).toBe(2);
  });
});

describe('layering', () => {
  it('the source layer names no artifact member: the caller passes the range to open with', () => {
    const sourceDir = fileURLToPath(new URL('../src/source/', import.meta.url));
    for (const file of readdirSync(sourceDir)) expect(readFileSync(join(sourceDir, file), 'utf8'), file).not.toMatch(/manifest/i);
  });
});
