/** pack's blocking mode (the CLI's): small synchronous reads, hashed in cache, written on the same thread. */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FILE_HASH_CHUNK } from '../src/node/file-chunks.js';
import { artifactInputFromDir, artifactInputFromDirWith } from '../src/node/pack-dir.js';
import { packToFile, packToFileWith } from '../src/node/pack.js';
import { gnuTarExtract, minimalManifest, sha256File } from './helpers/build-fixtures.js';
import { tempDir } from './helpers/paths.js';

const MODEL = 'ops_artifacts/main/model.onnx';

/** A directory artifact whose model spans many read chunks and ends inside one; distinct bytes everywhere. */
function modelDir(dir: string): Buffer {
  mkdirSync(join(dir, 'm/ops_artifacts/main'), { recursive: true });
  writeFileSync(join(dir, 'm/manifest.json'), JSON.stringify(minimalManifest()));
  const model = Buffer.alloc(37 * FILE_HASH_CHUNK + 4321);
  for (let i = 0; i + 4 <= model.length; i += 4) model.writeUInt32LE((i * 2654435761) >>> 0, i);
  writeFileSync(join(dir, `m/${MODEL}`), model);
  return model;
}

describe('pack, blocking (the CLI writing a file)', () => {
  it('writes the same bytes and descriptor as the non-blocking pack, and the member intact although one buffer is reused', async () => {
    const dir = tempDir();
    const model = modelDir(dir);
    const blocking = await packToFileWith(await artifactInputFromDirWith(join(dir, 'm'), { blocking: true }), join(dir, 'b.fnnx'), {
      blocking: true,
      mtime: new Date(0),
    });
    const pooled = await packToFile(await artifactInputFromDir(join(dir, 'm')), join(dir, 'p.fnnx'), { mtime: new Date(0) });
    expect(readFileSync(join(dir, 'b.fnnx')).equals(readFileSync(join(dir, 'p.fnnx')))).toBe(true);
    expect({ ...blocking.descriptor, file_name: '' }).toEqual({ ...pooled.descriptor, file_name: '' });
    expect(blocking.descriptor.file_hash).toBe(sha256File(join(dir, 'b.fnnx')));
    gnuTarExtract(join(dir, 'b.fnnx'), join(dir, 'x'));
    expect(readFileSync(join(dir, `x/${MODEL}`)).equals(model)).toBe(true);
  });

  it('a member that shrinks while being packed fails with SIZE_CHANGED and leaves no output file', async () => {
    const dir = tempDir();
    modelDir(dir);
    const input = await artifactInputFromDirWith(join(dir, 'm'), { blocking: true });
    truncateSync(join(dir, `m/${MODEL}`), 5 * FILE_HASH_CHUNK);
    const out = join(dir, 'out.fnnx');
    await expect(packToFileWith(input, out, { blocking: true })).rejects.toMatchObject({ code: 'SIZE_CHANGED', kind: 'io' });
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((n) => n.includes('partial'))).toEqual([]);
  });
});
