import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compressionOf } from '../src/tar/foreign.js';
import { MemorySource } from '../src/source/memory-source.js';
import { readArtifact } from '../src/artifact/reader.js';
import { tarStoreOver } from '../src/artifact/tar-store.js';
import { validateTarget } from '../src/node/validate.js';
import { tempDir } from './helpers/paths.js';

const SIGNED: Array<[string, number[]]> = [
  ['gzip', [0x1f, 0x8b, 8, 0]],
  ['bzip2', [0x42, 0x5a, 0x68, 0x39]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
];

/** A file of 1 KiB starting with `magic`, so the tar reader sees a whole block that is no header. */
function fileStarting(magic: number[]): Uint8Array {
  const bytes = new Uint8Array(1024);
  bytes.set(magic);
  return bytes;
}

describe('one table of compressed signatures: the reader and validate --for-upload agree', () => {
  for (const [name, magic] of SIGNED) {
    it(`${name}: the reader refuses COMPRESSED and validate --for-upload says compressed`, async () => {
      const bytes = fileStarting(magic);
      expect(compressionOf(bytes)).toBe(name);
      await expect(readArtifact(tarStoreOver(new MemorySource(bytes, 'x.fnnx')))).rejects.toMatchObject({ code: 'COMPRESSED' });
      const path = join(tempDir(), 'x.fnnx');
      writeFileSync(path, bytes);
      const report = await validateTarget(path, { forUpload: true });
      const notTar = report.diagnostics.find((d) => d.code === 'UPLOAD_NOT_TAR');
      expect(notTar?.message).toMatch(/compressed/);
    });
  }

  it('neither calls a zip archive or a short file compressed', () => {
    expect(compressionOf(fileStarting([0x50, 0x4b, 0x03, 0x04]))).toBeUndefined();
    expect(compressionOf(new Uint8Array([0x1f]))).toBeUndefined();
  });
});
