/**
 * describeBlob on the calling thread (Node has no Worker global, so this is the fallback path the
 * worker path shares its Describer with): the same descriptor as the Node describer, and the
 * registry's upload rules applied before a byte is read.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeBlob } from '../src/web/describe-blob.js';
import { pythonFileIndex } from './helpers/python.js';
import { CORPUS_TAR } from './helpers/paths.js';

describe('describeBlob', () => {
  it('gives the corpus tar the SHA-256, size and file_index that node:crypto and Python compute', async () => {
    const bytes = readFileSync(CORPUS_TAR);
    const seen: number[] = [];
    const { descriptor } = await describeBlob(new Blob([bytes]), 'onnx_pipeline.fnnx', { onProgress: (done) => seen.push(done) });
    expect(descriptor.file_hash).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(descriptor.size).toBe(bytes.length);
    expect(descriptor.file_index).toEqual(pythonFileIndex(CORPUS_TAR));
    expect(descriptor.manifest.variant).toBe('pipeline');
    expect(seen.at(-1)).toBe(bytes.length);
  });

  it('refuses a name the registry does not take before reading the file (UPLOAD_EXTENSION)', async () => {
    let pulled = false;
    class WatchedBlob extends Blob {
      override stream() {
        pulled = true;
        return super.stream();
      }
    }
    await expect(describeBlob(new WatchedBlob([readFileSync(CORPUS_TAR)]), 'model.onnx.tar.gz')).rejects.toMatchObject({
      code: 'UPLOAD_EXTENSION',
    });
    expect(pulled).toBe(false);
  });

  it('refuses a file over the upload limit before reading it (UPLOAD_TOO_LARGE)', async () => {
    const blob = new Blob([readFileSync(CORPUS_TAR)]);
    await expect(describeBlob(blob, 'model.luml', { maxSize: 1000 })).rejects.toMatchObject({ code: 'UPLOAD_TOO_LARGE' });
  });
});
