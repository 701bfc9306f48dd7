import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { walkTar } from '../src/index.js';
import { MemorySource } from '../src/source/memory-source.js';
import { validateTarget } from '../src/node/validate.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/paths.js';
import { soundPipeline, tarOf } from './helpers/validate-artifact.js';

/** Python's tarfile (the registry client) reading every member: 'ok' or the error it raises. */
function pythonReads(path: string): string {
  const script = [
    'import sys, tarfile',
    'try:',
    '    with tarfile.open(sys.argv[1]) as t: t.getmembers()',
    '    print("ok")',
    'except Exception as e:',
    '    print(type(e).__name__ + ": " + str(e))',
  ].join('\n');
  return execFileSync('python3', ['-c', script, path], { encoding: 'utf8' }).trim();
}

async function sound(): Promise<{ bytes: Uint8Array; endOffset: number; lastDataEnd: number }> {
  // A last member whose size is not a multiple of 512, so it has padding to cut into.
  const bytes = await tarOf({ ...soundPipeline(), 'notes.txt': 'x'.repeat(700) });
  const walk = await walkTar(new MemorySource(bytes, 'sound'));
  const last = walk.entries[walk.entries.length - 1]!;
  return { bytes, endOffset: walk.endOffset, lastDataEnd: last.dataOffset + last.size };
}

function write(bytes: Uint8Array): string {
  const path = join(tempDir(), 'model.fnnx');
  writeFileSync(path, bytes);
  return path;
}

describe('validate: how the archive ends', () => {
  it('non-zero bytes after the end blocks are a TRAILING_BYTES warning, and an error with --for-upload (the registry hashes them)', async () => {
    const { bytes } = await sound();
    const path = write(Buffer.concat([bytes, Buffer.from('left over by a killed append'), Buffer.alloc(600)]));
    const plain = await validateTarget(path);
    const d = plain.diagnostics.find((x) => x.code === 'TRAILING_BYTES');
    expect(d?.severity).toBe('warning');
    expect(d?.message).toMatch(/a warning here, an error with --for-upload/);
    expect(plain.valid).toBe(true);
    const upload = await validateTarget(path, { forUpload: true });
    expect(upload.diagnostics.find((x) => x.code === 'TRAILING_BYTES')?.severity).toBe('error');
    expect(upload.valid).toBe(false);
    const cli = runCli(['validate', '--for-upload', path]);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/error\s+TRAILING_BYTES: .*an error for upload/);
  });

  it('zero bytes after the end blocks (record padding, however long) are no finding', async () => {
    const { bytes } = await sound();
    const report = await validateTarget(write(Buffer.concat([bytes, Buffer.alloc(3 << 20)])), { forUpload: true });
    expect(report.diagnostics.filter((x) => x.code === 'TRAILING_BYTES')).toEqual([]);
    expect(report.valid).toBe(true);
  });

  it("an archive that ends inside its last member's padding is a TRUNCATED_DATA error, as Python's tarfile refuses it", async () => {
    const { bytes, lastDataEnd } = await sound();
    for (const cut of [lastDataEnd, lastDataEnd + 100]) {
      const path = write(bytes.subarray(0, cut));
      expect(pythonReads(path)).toMatch(/^ReadError: unexpected end of data/);
      const report = await validateTarget(path);
      expect(report.diagnostics.find((x) => x.code === 'TRUNCATED_DATA')?.severity).toBe('error');
      expect(report.valid).toBe(false);
    }
  });

  it("an archive that ends inside a header is an error (Python's tarfile silently drops the member there)", async () => {
    const { bytes, endOffset } = await sound();
    const path = write(Buffer.concat([bytes.subarray(0, endOffset), bytes.subarray(0, 300)]));
    const report = await validateTarget(path);
    expect(report.diagnostics.find((x) => x.code === 'TRUNCATED_HEADER')?.severity).toBe('error');
    expect(pythonReads(path)).toBe('ok');
  });
});
