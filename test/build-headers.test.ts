import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { openSync, closeSync, writeSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { pack as createPack } from 'tar-stream';
import { FileSource, walkTar } from '../src/index.js';
import { fileIndexOf } from '../src/tar/file-index.js';
import { buildArtifact } from '../src/build/builder.js';
import { fileHeader, USTAR_MAX_SIZE } from '../src/build/tar-header.js';
import { writeTar } from '../src/build/tar-writer.js';
import { decodeHeader, decodePax } from '../src/tar/header.js';
import { cryptoHasher } from '../src/node/crypto-hasher.js';
import { tempDir } from './helpers/paths.js';
import { pythonFileIndex } from './helpers/python.js';
import { gnuTarList, minimalManifest } from './helpers/build-fixtures.js';

const NINE_GIB = 9 * 1024 ** 3;

async function firstBytes(stream: AsyncIterable<Uint8Array>, n: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let have = 0;
  for await (const chunk of stream) {
    parts.push(Buffer.from(chunk));
    have += chunk.length;
    if (have >= n) break;
  }
  return Buffer.concat(parts).subarray(0, n);
}

async function writeToBuffer(members: Parameters<typeof writeTar>[0]): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  await writeTar(members, (c) => void parts.push(c));
  return Buffer.concat(parts);
}

describe('tar headers the builder writes', () => {
  it('writes fixed, machine-independent fields: mode 0644, uid/gid 0, empty user and group, fixed mtime', async () => {
    const bytes = await writeToBuffer([{ name: 'a.json', body: new Uint8Array(3) }]);
    const h = decodeHeader(bytes.subarray(0, 512), 0);
    expect([h.name, h.mode, h.mtime, h.typeflag, h.magic]).toEqual(['a.json', 0o644, 946684800, '0', 'ustar']);
    expect(bytes.subarray(108, 124).toString('latin1')).toBe('000000 \u0000000000 \u0000');
    expect(bytes.subarray(265, 329).every((b) => b === 0)).toBe(true);
  });

  it('uses plain ustar (no PAX header) for short ASCII names, and ustar prefix+name up to 255 characters', async () => {
    const long = `${'d'.repeat(120)}/${'f'.repeat(90)}.bin`;
    const bytes = await writeToBuffer([
      { name: 'short.bin', body: new Uint8Array(1) },
      { name: long, body: new Uint8Array(1) },
    ]);
    expect(String.fromCharCode(bytes[156]!)).toBe('0');
    const second = decodeHeader(bytes.subarray(1024, 1536), 1024);
    expect(second.typeflag).toBe('0');
    expect(`${second.prefix}/${second.name}`).toBe(long);
  });

  it('puts names ustar cannot hold (too long, or not ASCII) in a PAX path that GNU tar and Python read', async () => {
    const dir = tempDir();
    const names = [`ops_artifacts/${'x'.repeat(300)}/model.onnx`, 'meta_artifacts/données/modèle.html', `${'y'.repeat(101)}.bin`];
    const out = join(dir, 'names.fnnx');
    const parts: Uint8Array[] = [];
    const { descriptor } = await buildArtifact(
      { manifest: minimalManifest(), files: names.map((name, i) => ({ name, body: new Uint8Array(i + 1).fill(65) })) },
      (c) => void parts.push(c),
      { fileName: 'names.fnnx', hasher: cryptoHasher },
    );
    const fd = openSync(out, 'w');
    writeSync(fd, Buffer.concat(parts));
    closeSync(fd);
    expect(gnuTarList(out).slice(6).sort()).toEqual([...names].sort());
    expect(pythonFileIndex(out)).toEqual(descriptor.file_index);
    for (const [i, name] of names.entries()) expect(descriptor.file_index[name]?.[1]).toBe(i + 1);
  });

  it('gives a member over 8 GiB a PAX size record that walkTar, Python and GNU tar read (sparse file, no gigabytes written)', async () => {
    expect(fileHeader('m', USTAR_MAX_SIZE).pax).toBeUndefined();
    const p = createPack();
    p.entry(fileHeader('ops_artifacts/big/model.onnx', NINE_GIB));
    const head = await firstBytes(p as AsyncIterable<Uint8Array>, 1536);
    p.destroy();
    const pax = decodePax(head.subarray(512, 512 + decodeHeader(head.subarray(0, 512), 0).size), 0);
    expect(String.fromCharCode(head[156]!)).toBe('x');
    expect(pax.get('size')).toBe(String(NINE_GIB));
    expect(pax.get('path')).toBe('ops_artifacts/big/model.onnx');

    const path = join(tempDir(), 'big.fnnx');
    const fd = openSync(path, 'w');
    writeSync(fd, head);
    ftruncateSync(fd, 1536 + NINE_GIB + 1024);
    closeSync(fd);
    const source = await FileSource.open(path);
    const index = fileIndexOf((await walkTar(source)).entries);
    await source.close();
    expect(index).toEqual({ 'ops_artifacts/big/model.onnx': [1536, NINE_GIB] });
    expect(pythonFileIndex(path)).toEqual(index);
    const listing = execFileSync('tar', ['-tvf', path], { encoding: 'utf8' });
    expect(listing).toContain(String(NINE_GIB));
  });

  it('refuses unsafe member names before writing anything', async () => {
    for (const name of ['../escape', '/etc/passwd', 'a/../../b', 'C:/win', 'a//b', './a', 'a\\b', '']) {
      const parts: Uint8Array[] = [];
      await expect(
        writeTar([{ name, body: new Uint8Array(1) }], (c) => void parts.push(c)),
        name,
      ).rejects.toMatchObject({
        code: expect.stringMatching(/^(EMPTY_NAME|ABSOLUTE_PATH|PATH_TRAVERSAL|MEMBER_NAME_NOT_PLAIN)$/),
      });
      expect(Buffer.concat(parts).length, name).toBe(0);
    }
  });

  it('refuses a streamed body that yields fewer bytes than it declared', async () => {
    const body = {
      size: 10,
      async *open() {
        yield new Uint8Array(4);
      },
    };
    await expect(writeToBuffer([{ name: 'short.bin', body }])).rejects.toMatchObject({ code: 'SIZE_CHANGED', member: 'short.bin' });
  });

  it('builds the same bytes from the same inputs, whatever the order the files are given in', async () => {
    const files = [
      { name: 'ops_artifacts/b/model.onnx', body: new Uint8Array([1, 2]) },
      { name: 'ops_artifacts/a/model.onnx', body: new Uint8Array([3]) },
    ];
    const run = async (f: typeof files) => {
      const parts: Uint8Array[] = [];
      const r = await buildArtifact({ manifest: minimalManifest(), files: f }, (c) => void parts.push(c), {
        fileName: 'x.fnnx',
        hasher: cryptoHasher,
      });
      return [Buffer.concat(parts), r.descriptor.file_hash] as const;
    };
    const [a, ha] = await run(files);
    const [b, hb] = await run([...files].reverse());
    expect(a.equals(b)).toBe(true);
    expect(ha).toBe(hb);
  });
});
