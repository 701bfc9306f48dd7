import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UploadState } from '../src/upload/upload-state.js';
import { initiateMultipartUpload, uploadBlob } from '../src/web/upload-blob.js';
import { hangPartThenAbort, partsPutSince, startFaultProxy } from './helpers/fault-proxy.js';
import { sha256Hex as sha } from './helpers/sha.js';
import { initiateDetails, objectBytes, partsDetails, singleDetails, startS3, type S3Fixture } from './helpers/s3-server.js';

/** The browser uploader (fetch with Blob.slice bodies, WebAssembly SHA-256) run on Node's own fetch and File. */
let s3: S3Fixture;
let n = 0;
beforeAll(async () => {
  s3 = await startS3();
});
afterAll(() => s3?.close());

describe('uploadBlob (the browser path)', { timeout: 60_000 }, () => {
  it('a single PUT of a File lands its bytes, checked against the descriptor', async () => {
    const bytes = randomBytes(123_456);
    const key = `b${++n}.fnnx`;
    const r = await uploadBlob(new File([bytes], 'm.fnnx'), await singleDetails(s3, key), {
      descriptor: { file_hash: sha(bytes), size: bytes.length },
    });
    expect(r).toMatchObject({ shape: 'single', sha256: sha(bytes), verified: ['size', 'sha256'] });
    expect((await objectBytes(s3, key))?.equals(bytes)).toBe(true);
  });

  it('the state onState gave, passed back after an abort, makes the next call send only the missing parts', async () => {
    const bytes = randomBytes(500_000);
    const key = `b${++n}.fnnx`;
    const file = new File([bytes], 'm.fnnx', { lastModified: 1_700_000_000_000 });
    const controller = new AbortController();
    const proxy = await startFaultProxy(s3.endpoint, hangPartThenAbort('4', controller));
    try {
      const uploadId = await initiateMultipartUpload((await initiateDetails(s3, key)).url);
      const details = await partsDetails(s3, key, uploadId, bytes.length, 100_000, proxy.origin);
      let state: UploadState | undefined;
      const onState = (s: UploadState) => void (state = JSON.parse(JSON.stringify(s)) as UploadState);
      await expect(uploadBlob(file, details, { concurrency: 1, signal: controller.signal, onState })).rejects.toMatchObject({
        code: 'ABORTED',
      });
      expect(state?.parts.map((p) => p.partNumber)).toEqual([1, 2, 3]);
      const before = proxy.seen.length;
      const r = await uploadBlob(file, details, { state, onState, sha256: sha(bytes) });
      expect(r).toMatchObject({ partsSent: 2, partsResumed: 3 });
      expect(partsPutSince(proxy.seen, before)).toEqual(['4', '5']);
      expect((await objectBytes(s3, key))?.equals(bytes)).toBe(true);
    } finally {
      await proxy.close();
    }
  });
});
