import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initiateMultipartUpload, uploadFile } from '../src/node/upload-file.js';
import { hangPartThenAbort, partsPutSince, startFaultProxy, type Fault } from './helpers/fault-proxy.js';
import { tempDir } from './helpers/paths.js';
import { sha256Hex as sha } from './helpers/sha.js';
import { initiateDetails, objectBytes, partsDetails, singleDetails, startS3, type S3Fixture } from './helpers/s3-server.js';

const FAST_RETRY = { retries: 4, baseDelayMs: 10, maxDelayMs: 50, maxRetryAfterMs: 2000 };

let s3: S3Fixture;
let dir: string;
let keyN = 0;
beforeAll(async () => {
  s3 = await startS3();
  dir = tempDir('fnnx-upload-');
});
afterAll(() => s3?.close());

function artifact(size: number): { path: string; bytes: Buffer } {
  const bytes = randomBytes(size);
  const path = join(dir, `a${keyN}.fnnx`);
  writeFileSync(path, bytes);
  return { path, bytes };
}

/** A multipart upload begun as the CLI user would: initiate, then the registry's part URLs. */
async function multipart(size: number, partSize: number, origin?: string) {
  const key = `k${++keyN}.fnnx`;
  const uploadId = await initiateMultipartUpload((await initiateDetails(s3, key)).url);
  return { key, uploadId, details: await partsDetails(s3, key, uploadId, size, partSize, origin) };
}

describe('upload to S3 (s3rver)', { timeout: 60_000 }, () => {
  it('a single PUT lands the exact bytes and reports their SHA-256', async () => {
    const { path, bytes } = artifact(300_000);
    const key = `k${++keyN}.fnnx`;
    const r = await uploadFile(path, await singleDetails(s3, key), { descriptor: { file_hash: sha(bytes), size: bytes.length } });
    expect(r).toMatchObject({ shape: 'single', sha256: sha(bytes), verified: ['size', 'sha256'] });
    expect((await objectBytes(s3, key))?.equals(bytes)).toBe(true);
  });

  it('a single PUT of a file whose hash differs from the descriptor sends nothing and leaves no object', async () => {
    const { path } = artifact(300_000);
    const key = `k${++keyN}.fnnx`;
    const proxy = await startFaultProxy(s3.endpoint);
    try {
      await expect(uploadFile(path, await singleDetails(s3, key, proxy.origin), { sha256: 'ab'.repeat(32) })).rejects.toMatchObject({
        code: 'HASH_MISMATCH',
        kind: 'artifact',
      });
      expect(proxy.attempted).toHaveLength(0);
      expect(await objectBytes(s3, key)).toBeUndefined();
    } finally {
      await proxy.close();
    }
  });

  it('multipart: parts in parallel, completed with their ETags, object equals the file', async () => {
    const size = 1_000_003;
    const { path, bytes } = artifact(size);
    const { key, details } = await multipart(size, 131_072);
    const r = await uploadFile(path, details, { concurrency: 3, descriptor: { file_hash: sha(bytes), size } });
    expect(r).toMatchObject({ shape: 's3-parts', partsSent: 8, partsResumed: 0, verified: ['size', 'sha256'] });
    expect((await objectBytes(s3, key))?.equals(bytes)).toBe(true);
    expect(existsSync(`${path}.upload.json`)).toBe(false);
  });

  it('a file whose size differs from the descriptor is refused before any request', async () => {
    const { path } = artifact(200_000);
    const proxy = await startFaultProxy(s3.endpoint);
    try {
      const { details } = await multipart(200_000, 65_536, proxy.origin);
      await expect(uploadFile(path, details, { size: 199_999 })).rejects.toMatchObject({ code: 'SIZE_MISMATCH', kind: 'artifact' });
      expect(proxy.attempted).toHaveLength(0);
    } finally {
      await proxy.close();
    }
  });

  it('a multipart upload whose hash differs is aborted, not completed', async () => {
    const { path } = artifact(200_000);
    const proxy = await startFaultProxy(s3.endpoint);
    try {
      const { key, details } = await multipart(200_000, 65_536, proxy.origin);
      await expect(uploadFile(path, details, { sha256: 'cd'.repeat(32) })).rejects.toMatchObject({ code: 'HASH_MISMATCH' });
      expect(await objectBytes(s3, key)).toBeUndefined();
      expect(proxy.seen.map((r) => r.method)).not.toContain('POST');
      expect(proxy.seen.at(-1)?.method).toBe('DELETE');
    } finally {
      await proxy.close();
    }
  });

  it('a part dropped mid-body and a 503 (with Retry-After) are retried, and the object is whole', async () => {
    const size = 400_000;
    const { path, bytes } = artifact(size);
    let dropped = false;
    let busy = false;
    const proxy = await startFaultProxy(s3.endpoint, (req): Fault => {
      if (req.part === '2' && !dropped) return ((dropped = true), { kind: 'drop', afterBytes: 30_000 });
      if (req.part === '3' && !busy) return ((busy = true), { kind: 'status', status: 503, headers: { 'retry-after': '1' } });
      return { kind: 'pass' };
    });
    try {
      const { key, details } = await multipart(size, 100_000, proxy.origin);
      const retries: number[] = [];
      const started = Date.now();
      await uploadFile(path, details, { sha256: sha(bytes), retry: { ...FAST_RETRY, onRetry: (i) => retries.push(i.delayMs) } });
      expect(dropped && busy).toBe(true);
      expect(retries.length).toBe(2);
      expect(Math.max(...retries)).toBeGreaterThanOrEqual(1000);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect((await objectBytes(s3, key))?.equals(bytes)).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it('a part whose server stops answering times out and is sent again', async () => {
    const size = 200_000;
    const { path, bytes } = artifact(size);
    let stalled = false;
    const proxy = await startFaultProxy(s3.endpoint, (req): Fault =>
      req.part === '1' && !stalled ? ((stalled = true), { kind: 'hang' }) : { kind: 'pass' },
    );
    try {
      const { key, details } = await multipart(size, 100_000, proxy.origin);
      const errors: string[] = [];
      await uploadFile(path, details, { timeoutMs: 500, retry: { ...FAST_RETRY, onRetry: (i) => errors.push(i.error.code) } });
      expect(errors).toEqual(['TIMEOUT']);
      expect((await objectBytes(s3, key))?.equals(bytes)).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it('a part reply without an ETag is an error, and the upload is not completed', async () => {
    const { path } = artifact(100_000);
    const proxy = await startFaultProxy(s3.endpoint, (req) => (req.part === '1' ? { kind: 'status', status: 200 } : { kind: 'pass' }));
    try {
      const { key, details } = await multipart(100_000, 50_000, proxy.origin);
      await expect(uploadFile(path, details, { retry: FAST_RETRY })).rejects.toMatchObject({ code: 'UPLOAD_NO_ETAG' });
      expect(proxy.seen.map((r) => r.method)).not.toContain('POST');
      expect(await objectBytes(s3, key)).toBeUndefined();
    } finally {
      await proxy.close();
    }
  });

  it('a part reply whose ETag is not the MD5 of the bytes sent is an error, and the upload is not completed', async () => {
    const { path } = artifact(100_000);
    const proxy = await startFaultProxy(s3.endpoint, (req) =>
      req.part === '2' ? { kind: 'pass', rewriteEtag: '"0123456789abcdef0123456789abcdef"' } : { kind: 'pass' },
    );
    try {
      const { key, details } = await multipart(100_000, 50_000, proxy.origin);
      await expect(uploadFile(path, details, { retry: FAST_RETRY })).rejects.toMatchObject({ code: 'UPLOAD_ETAG_MISMATCH' });
      expect(proxy.seen.map((r) => r.method)).not.toContain('POST');
      expect(await objectBytes(s3, key)).toBeUndefined();
    } finally {
      await proxy.close();
    }
  });

  it('after an abort mid-upload, a second run sends only the missing parts (counted by the proxy)', async () => {
    const size = 600_000;
    const { path, bytes } = artifact(size);
    const controller = new AbortController();
    // Parts 1-3 go through; part 4 hangs until the abort.
    const proxy = await startFaultProxy(s3.endpoint, hangPartThenAbort('4', controller));
    try {
      const { key, details } = await multipart(size, 100_000, proxy.origin);
      await expect(uploadFile(path, details, { concurrency: 1, signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
      const state = JSON.parse(readFileSync(`${path}.upload.json`, 'utf8')) as { parts: Array<{ partNumber: number }> };
      expect(state.parts.map((p) => p.partNumber)).toEqual([1, 2, 3]);
      const before = proxy.seen.length;
      const r = await uploadFile(path, details, { sha256: sha(bytes) });
      expect(r).toMatchObject({ partsSent: 3, partsResumed: 3 });
      expect(partsPutSince(proxy.seen, before)).toEqual(['4', '5', '6']);
      expect((await objectBytes(s3, key))?.equals(bytes)).toBe(true);
      expect(existsSync(`${path}.upload.json`)).toBe(false);
    } finally {
      await proxy.close();
    }
  });

  it('a file changed since the state was written sends again (with a warning) every part whose bytes differ', async () => {
    const size = 300_000;
    const { path } = artifact(size);
    const controller = new AbortController();
    const proxy = await startFaultProxy(s3.endpoint, hangPartThenAbort('2', controller, 200));
    try {
      const { key, details } = await multipart(size, 100_000, proxy.origin);
      await expect(uploadFile(path, details, { concurrency: 1, signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
      const changed = randomBytes(size);
      writeFileSync(path, changed);
      const warnings: string[] = [];
      const r = await uploadFile(path, details, { sha256: sha(changed), onWarning: (w) => warnings.push(w) });
      expect(warnings.join()).toMatch(/part 1 .*bytes there differ/);
      expect(r).toMatchObject({ partsSent: 3, partsResumed: 0 });
      expect((await objectBytes(s3, key))?.equals(changed)).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it('a file changed between describe and upload (same size) is not completed', async () => {
    const size = 200_000;
    const { path, bytes } = artifact(size);
    const described = sha(bytes);
    const edited = Buffer.from(bytes);
    edited[150_000] = edited[150_000]! ^ 0xff;
    writeFileSync(path, edited);
    const { key, details } = await multipart(size, 100_000);
    await expect(uploadFile(path, details, { descriptor: { file_hash: described, size } })).rejects.toMatchObject({
      code: 'HASH_MISMATCH',
      kind: 'artifact',
    });
    expect(await objectBytes(s3, key)).toBeUndefined();
    expect(existsSync(`${path}.upload.json`)).toBe(false);
  });
});
