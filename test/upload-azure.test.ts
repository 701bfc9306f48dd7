import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadFile } from '../src/node/upload-file.js';
import { azureBlockDetails, azureSingleDetails, blobBytes, startAzurite, type AzureFixture } from './helpers/azurite.js';
import { startFaultProxy } from './helpers/fault-proxy.js';
import { tempDir } from './helpers/paths.js';
import { sha256Hex as sha } from './helpers/sha.js';

let az: AzureFixture;
let dir: string;
let n = 0;
beforeAll(async () => {
  az = await startAzurite();
  dir = tempDir('fnnx-upload-az-');
}, 90_000);
afterAll(() => az?.close());

/** A block's position among the parts: the first two bytes of our block ids. */
const blockIndex = (id: string | undefined) => (id ? Buffer.from(id, 'base64').readUInt16BE(0) : -1);

function artifact(size: number) {
  const bytes = randomBytes(size);
  const path = join(dir, `a${++n}.fnnx`);
  writeFileSync(path, bytes);
  return { path, bytes, blob: `b${n}.fnnx` };
}

describe('upload to Azure (Azurite)', { timeout: 60_000 }, () => {
  it('a single PUT (BlockBlob) lands the exact bytes', async () => {
    const { path, bytes, blob } = artifact(250_000);
    const r = await uploadFile(path, azureSingleDetails(az, blob), { descriptor: { file_hash: sha(bytes), size: bytes.length } });
    expect(r).toMatchObject({ shape: 'single', verified: ['size', 'sha256'] });
    expect((await blobBytes(az, blob))?.equals(bytes)).toBe(true);
  });

  it("blocks are put in parallel and committed by a block list of ids made from each block's position and MD5", async () => {
    const { path, bytes, blob } = artifact(700_001);
    const r = await uploadFile(path, azureBlockDetails(az, blob, bytes.length, 100_000), { sha256: sha(bytes) });
    expect(r).toMatchObject({ shape: 'azure-blocks', partsSent: 8 });
    expect((await blobBytes(az, blob))?.equals(bytes)).toBe(true);
    const list = await az.service.getContainerClient('models').getBlockBlobClient(blob).getBlockList('committed');
    const md5 = (i: number) =>
      createHash('md5')
        .update(bytes.subarray(i * 100_000, (i + 1) * 100_000))
        .digest();
    expect(list.committedBlocks?.map((b) => Buffer.from(b.name!, 'base64').toString('hex'))).toEqual(
      Array.from({ length: 8 }, (_, i) => Buffer.concat([Buffer.from([0, i]), md5(i).subarray(0, 12)]).toString('hex')),
    );
  });

  it('a wrong hash commits no block list: the blob does not exist', async () => {
    const { path, blob } = artifact(300_000);
    await expect(uploadFile(path, azureBlockDetails(az, blob, 300_000, 100_000), { sha256: 'ef'.repeat(32) })).rejects.toMatchObject({
      code: 'HASH_MISMATCH',
    });
    expect(await blobBytes(az, blob)).toBeUndefined();
  });

  it('a dropped block and a 503 are retried; after an abort, the rerun puts only the missing blocks', async () => {
    const { path, bytes, blob } = artifact(500_000);
    const controller = new AbortController();
    let dropped = false;
    let busy = false;
    const proxy = await startFaultProxy(az.endpoint, (req) => {
      const block = blockIndex(req.part);
      if (block === 0 && !dropped) return ((dropped = true), { kind: 'drop', afterBytes: 20_000 });
      if (block === 1 && !busy) return ((busy = true), { kind: 'status', status: 503 });
      if (block === 3 && !controller.signal.aborted) {
        setTimeout(() => controller.abort(), 300);
        return { kind: 'hang' };
      }
      return { kind: 'pass' };
    });
    try {
      const details = azureBlockDetails(az, blob, bytes.length, 100_000, proxy.origin);
      const retry = { retries: 3, baseDelayMs: 10, maxDelayMs: 50, maxRetryAfterMs: 1000 };
      await expect(uploadFile(path, details, { concurrency: 1, signal: controller.signal, retry })).rejects.toMatchObject({
        code: 'ABORTED',
      });
      expect(dropped && busy).toBe(true);
      const state = JSON.parse(readFileSync(`${path}.upload.json`, 'utf8')) as { parts: Array<{ partNumber: number }> };
      expect(state.parts.map((p) => p.partNumber)).toEqual([1, 2, 3]);
      const before = proxy.seen.length;
      const r = await uploadFile(path, details, { sha256: sha(bytes), retry });
      expect(r).toMatchObject({ partsSent: 2, partsResumed: 3 });
      const resent = proxy.seen
        .slice(before)
        .filter((q) => q.part)
        .map((q) => blockIndex(q.part));
      expect(resent.sort()).toEqual([3, 4]);
      expect((await blobBytes(az, blob))?.equals(bytes)).toBe(true);
      expect(existsSync(`${path}.upload.json`)).toBe(false);
    } finally {
      await proxy.close();
    }
  });
});
