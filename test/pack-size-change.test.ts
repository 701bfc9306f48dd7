import { describe, expect, it } from 'vitest';
import { appendFileSync, existsSync, mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileBody } from '../src/node/file-body.js';
import { writeTar } from '../src/build/tar-writer.js';
import { runCliAsync } from './helpers/run-cli-async.js';
import { soundPipeline, writeDirArtifact } from './helpers/validate-artifact.js';
import { tempDir } from './helpers/paths.js';

async function packBody(path: string, mutate: () => void) {
  const body = await fileBody(path);
  mutate();
  return writeTar([{ name: 'ops_artifacts/x/blob.bin', body }], () => undefined);
}

describe('pack of a file that changes size while it is packed', () => {
  it('refuses a file that grew after its size was taken, as it refuses one that shrank (SIZE_CHANGED)', async () => {
    const dir = tempDir();
    const grows = join(dir, 'grows.bin');
    writeFileSync(grows, new Uint8Array(3000));
    await expect(packBody(grows, () => appendFileSync(grows, 'more'))).rejects.toMatchObject({ code: 'SIZE_CHANGED' });
    const shrinks = join(dir, 'shrinks.bin');
    writeFileSync(shrinks, new Uint8Array(3000));
    await expect(packBody(shrinks, () => truncateSync(shrinks, 100))).rejects.toMatchObject({ code: 'SIZE_CHANGED' });
  });

  it('the CLI fails with SIZE_CHANGED (exit 2, no output file) while another process keeps appending to a member', async () => {
    const src = writeDirArtifact(soundPipeline());
    const big = join(src, 'ops_artifacts/reg/data.bin');
    mkdirSync(join(src, 'ops_artifacts/reg'), { recursive: true });
    writeFileSync(big, '');
    truncateSync(big, 256 * 2 ** 20);
    const out = join(tempDir(), 'out.fnnx');
    const grower = setInterval(() => appendFileSync(big, 'x'), 2);
    try {
      const r = await runCliAsync(['pack', src, '-o', out, '-q']);
      expect(r.stderr).toMatch(/grew past its size[\s\S]*\(SIZE_CHANGED\)/);
      expect(r.code).toBe(2);
    } finally {
      clearInterval(grower);
    }
    expect(existsSync(out)).toBe(false);
  });
});
