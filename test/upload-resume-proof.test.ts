import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initiateMultipartUpload, uploadFile } from '../src/node/upload-file.js';
import { azureBlockDetails, blobBytes, startAzurite, type AzureFixture } from './helpers/azurite.js';
import { partsPutSince, startFaultProxy, type Fault, type SeenRequest } from './helpers/fault-proxy.js';
import { tempDir } from './helpers/paths.js';
import { runCliAsync } from './helpers/run-cli-async.js';
import { sha256Hex as sha } from './helpers/sha.js';
import { initiateDetails, objectBytes, partsDetails, startS3, type S3Fixture } from './helpers/s3-server.js';

/**
 * Issue 23, item 1: file A's upload stops after part 3 (a 403) and leaves its state; file B, same
 * size and mtime, takes A's path and is uploaded with B's descriptor and the same details. A
 * resumed part counts only when proven equal to the local bytes, so the store never completes
 * A's first parts followed by B's rest.
 */
const SIZE = 600_000;
const PART = 100_000;
const NO_RETRY = { retries: 0, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 };

let s3: S3Fixture;
let az: AzureFixture;
let dir: string;
let n = 0;
beforeAll(async () => {
  [s3, az] = await Promise.all([startS3(), startAzurite()]);
  dir = tempDir('fnnx-upload-proof-');
}, 90_000);
afterAll(async () => {
  await s3?.close();
  await az?.close();
});

/** 403 for the request of `part` (S3 partNumber, or the Azure block's index) until `allow()`; every other request passes. */
function forbidPart(part: number, isPart: (req: SeenRequest, part: number) => boolean) {
  let forbidden = true;
  return {
    decide: (req: SeenRequest): Fault => (forbidden && isPart(req, part) ? { kind: 'status', status: 403 } : { kind: 'pass' }),
    allow: () => void (forbidden = false),
  };
}
const s3Part = (req: SeenRequest, part: number) => req.method === 'PUT' && req.part === String(part);
/** The Azure block's position among the parts: our block ids begin with it (two bytes, big-endian). */
const azureIndex = (req: SeenRequest) => (req.part ? Buffer.from(req.part, 'base64').readUInt16BE(0) : -1);
const azurePart = (req: SeenRequest, part: number) => req.method === 'PUT' && azureIndex(req) === part - 1;

/** File A at `path`, then file B (same size, same mtime: `cp -p`) in its place. */
function twoFiles() {
  const path = join(dir, `m${++n}.fnnx`);
  const a = randomBytes(SIZE);
  const b = randomBytes(SIZE);
  writeFileSync(path, a);
  return {
    path,
    a,
    b,
    swap: () => {
      // touch -r copies the timestamps to the nanosecond, as `cp -p` keeps them.
      const reference = `${path}.ref`;
      copyFileSync(path, reference);
      execFileSync('touch', ['-r', path, reference]);
      writeFileSync(path, b);
      execFileSync('touch', ['-r', reference, path]);
    },
  };
}

describe('a resumed part is used only when proven equal to the local bytes', { timeout: 90_000 }, () => {
  it("S3: file B with file A's state re-sends the parts whose MD5 differs; the object is B", async () => {
    const { path, b, swap } = twoFiles();
    const gate = forbidPart(4, s3Part);
    const proxy = await startFaultProxy(s3.endpoint, gate.decide);
    try {
      const key = `p${n}.fnnx`;
      const uploadId = await initiateMultipartUpload((await initiateDetails(s3, key)).url);
      const details = await partsDetails(s3, key, uploadId, SIZE, PART, proxy.origin);
      await expect(uploadFile(path, details, { concurrency: 1, retry: NO_RETRY })).rejects.toMatchObject({ code: 'HTTP_STATUS' });
      const state = JSON.parse(readFileSync(`${path}.upload.json`, 'utf8')) as { parts: Array<{ partNumber: number }> };
      expect(state.parts.map((p) => p.partNumber)).toEqual([1, 2, 3]);
      swap();
      gate.allow();
      const before = proxy.seen.length;
      const warnings: string[] = [];
      const r = await uploadFile(path, details, { descriptor: { file_hash: sha(b), size: SIZE }, onWarning: (w) => warnings.push(w) });
      expect(r).toMatchObject({ sha256: sha(b), partsSent: 6, partsResumed: 0, verified: ['size', 'sha256'] });
      expect(partsPutSince(proxy.seen, before)).toEqual(['1', '2', '3', '4', '5', '6']);
      expect(warnings.join('\n')).toMatch(/part 1 .*differ/);
      const stored = await objectBytes(s3, key);
      expect(stored && sha(stored)).toBe(sha(b));
    } finally {
      await proxy.close();
    }
  });

  it('S3: the same file resumed sends only the missing parts, each resumed part proven by its MD5', async () => {
    const { path, a } = twoFiles();
    const gate = forbidPart(4, s3Part);
    const proxy = await startFaultProxy(s3.endpoint, gate.decide);
    try {
      const key = `p${n}.fnnx`;
      const uploadId = await initiateMultipartUpload((await initiateDetails(s3, key)).url);
      const details = await partsDetails(s3, key, uploadId, SIZE, PART, proxy.origin);
      await expect(uploadFile(path, details, { concurrency: 1, retry: NO_RETRY })).rejects.toMatchObject({ code: 'HTTP_STATUS' });
      gate.allow();
      const before = proxy.seen.length;
      const r = await uploadFile(path, details, { sha256: sha(a) });
      expect(r).toMatchObject({ partsSent: 3, partsResumed: 3 });
      expect(partsPutSince(proxy.seen, before)).toEqual(['4', '5', '6']);
      expect((await objectBytes(s3, key))?.equals(a)).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it('S3: a state whose recorded ETag is not the MD5 of the local part is not resumed for that part', async () => {
    const { path, a } = twoFiles();
    const gate = forbidPart(3, s3Part);
    const proxy = await startFaultProxy(s3.endpoint, gate.decide);
    try {
      const key = `p${n}.fnnx`;
      const uploadId = await initiateMultipartUpload((await initiateDetails(s3, key)).url);
      const details = await partsDetails(s3, key, uploadId, SIZE, PART, proxy.origin);
      await expect(uploadFile(path, details, { concurrency: 1, retry: NO_RETRY })).rejects.toMatchObject({ code: 'HTTP_STATUS' });
      // A planted state: part 2's ETag says other bytes (a KMS-style ETag proves nothing either way).
      const statePath = `${path}.upload.json`;
      const state = JSON.parse(readFileSync(statePath, 'utf8')) as { parts: Array<{ partNumber: number; etag: string }> };
      state.parts[1]!.etag = '"0123456789abcdef0123456789abcdef"';
      writeFileSync(statePath, JSON.stringify(state));
      gate.allow();
      const before = proxy.seen.length;
      const r = await uploadFile(path, details, { sha256: sha(a) });
      expect(r).toMatchObject({ partsSent: 5, partsResumed: 1 });
      expect(partsPutSince(proxy.seen, before)).toEqual(['2', '3', '4', '5', '6']);
      expect((await objectBytes(s3, key))?.equals(a)).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it("Azure: block ids commit to each block's MD5, so file B re-sends every block and the blob is B", async () => {
    const { path, b, swap } = twoFiles();
    const blob = `p${n}.fnnx`;
    const gate = forbidPart(4, azurePart);
    const proxy = await startFaultProxy(az.endpoint, gate.decide);
    try {
      const details = azureBlockDetails(az, blob, SIZE, PART, proxy.origin);
      await expect(uploadFile(path, details, { concurrency: 1, retry: NO_RETRY })).rejects.toMatchObject({ code: 'HTTP_STATUS' });
      swap();
      gate.allow();
      const before = proxy.seen.length;
      const r = await uploadFile(path, details, { descriptor: { file_hash: sha(b), size: SIZE } });
      expect(r).toMatchObject({ sha256: sha(b), partsSent: 6, partsResumed: 0 });
      const put = proxy.seen.slice(before).filter((q) => q.method === 'PUT' && q.part);
      expect(put.map(azureIndex).sort()).toEqual([0, 1, 2, 3, 4, 5]);
      const stored = await blobBytes(az, blob);
      expect(stored && sha(stored)).toBe(sha(b));
    } finally {
      await proxy.close();
    }
  });

  it('Azure: the same file resumed puts only the missing blocks', async () => {
    const { path, a } = twoFiles();
    const blob = `p${n}.fnnx`;
    const gate = forbidPart(4, azurePart);
    const proxy = await startFaultProxy(az.endpoint, gate.decide);
    try {
      const details = azureBlockDetails(az, blob, SIZE, PART, proxy.origin);
      await expect(uploadFile(path, details, { concurrency: 1, retry: NO_RETRY })).rejects.toMatchObject({ code: 'HTTP_STATUS' });
      gate.allow();
      const before = proxy.seen.length;
      const r = await uploadFile(path, details, { sha256: sha(a) });
      expect(r).toMatchObject({ partsSent: 3, partsResumed: 3 });
      const put = proxy.seen.slice(before).filter((q) => q.method === 'PUT' && q.part);
      expect(put.map(azureIndex).sort()).toEqual([3, 4, 5]);
      expect((await blobBytes(az, blob))?.equals(a)).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it("the CLI: file B after file A's interrupted upload completes B (never a mixed object)", async () => {
    const { path, b, swap } = twoFiles();
    const gate = forbidPart(4, s3Part);
    const proxy = await startFaultProxy(s3.endpoint, gate.decide);
    try {
      const key = `p${n}.fnnx`;
      const uploadId = await initiateMultipartUpload((await initiateDetails(s3, key)).url);
      const detailsFile = join(dir, `d${n}.json`);
      writeFileSync(detailsFile, JSON.stringify(await partsDetails(s3, key, uploadId, SIZE, PART, proxy.origin)));
      const first = await runCliAsync(['upload', path, '--details', detailsFile, '--concurrency', '1']);
      expect(first.code).toBe(2);
      expect(first.stderr).toMatch(/403/);
      swap();
      gate.allow();
      const descriptor = join(dir, `desc${n}.json`);
      writeFileSync(descriptor, JSON.stringify({ file_hash: sha(b), size: SIZE }));
      const second = await runCliAsync(['upload', path, '--details', detailsFile, '--descriptor', descriptor]);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toContain('6 part(s) sent;');
      const stored = await objectBytes(s3, key);
      expect(stored && sha(stored)).toBe(sha(b));
    } finally {
      await proxy.close();
    }
  });
});
