import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, symlinkSync, utimesSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { FileSource, openStore, readArtifact, walkTar } from '../src/index.js';
import { fileIndexOf } from '../src/tar/file-index.js';
import { artifactInputFromDir } from '../src/node/pack-dir.js';
import { packToFile } from '../src/node/pack.js';
import { CORPUS_DIR, TESTOP_DIR } from './helpers/paths.js';
import { tempDir } from './helpers/paths.js';
import { pythonFileIndex } from './helpers/python.js';
import { runCli } from './helpers/cli.js';
import { gnuTarExtract, gnuTarList, minimalManifest, pythonExtract, readTree, sha256File } from './helpers/build-fixtures.js';

async function packDir(dir: string, out: string) {
  return packToFile(await artifactInputFromDir(dir), out);
}

describe('pack: directory form to tar', () => {
  it('round-trips the corpus: same manifest, root files and member bytes as the directory', async () => {
    const out = join(tempDir(), 'corpus.fnnx');
    await packDir(CORPUS_DIR, out);
    const fromDir = await readArtifact(await openStore(CORPUS_DIR));
    const store = await openStore(out);
    const fromTar = await readArtifact(store);
    expect(fromTar.manifest).toEqual(fromDir.manifest);
    expect(fromTar.ops).toEqual(fromDir.ops);
    expect(fromTar.variantConfig).toEqual(fromDir.variantConfig);
    for (const [name, bytes] of readTree(CORPUS_DIR)) expect(Buffer.from(await store.read(name)).equals(bytes), name).toBe(true);
    await store.close();
  });

  it('is read back identically by GNU tar and by Python tarfile, and Python indexes it as the descriptor does', async () => {
    const dir = tempDir();
    const out = join(dir, 'corpus.fnnx');
    const result = await packDir(CORPUS_DIR, out);
    gnuTarExtract(out, join(dir, 'gnu'));
    pythonExtract(out, join(dir, 'py'));
    const want = readTree(CORPUS_DIR);
    expect(readTree(join(dir, 'gnu'))).toEqual(want);
    expect(readTree(join(dir, 'py'))).toEqual(want);
    expect(result.descriptor.file_index).toEqual(pythonFileIndex(out));
  });

  it('gives a descriptor whose hash and size are those of the written file', async () => {
    const out = join(tempDir(), 'corpus.fnnx');
    const { descriptor } = await packDir(CORPUS_DIR, out);
    expect(descriptor.file_hash).toBe(sha256File(out));
    expect(descriptor.size).toBe(readFileSync(out).length);
    expect(descriptor.file_name).toBe('corpus.fnnx');
    expect(descriptor.manifest).toEqual(JSON.parse(readFileSync(join(CORPUS_DIR, 'manifest.json'), 'utf8')));
  });

  it('is deterministic: the same directory packed twice, with other mtimes and paths, gives identical bytes', async () => {
    const dir = tempDir();
    const copy = join(dir, 'copy.fnnx');
    cpSync(CORPUS_DIR, copy, { recursive: true });
    utimesSync(join(copy, 'manifest.json'), new Date(2001, 1, 1), new Date(2020, 5, 5));
    await packDir(CORPUS_DIR, join(dir, 'a.fnnx'));
    await packDir(copy, join(dir, 'b.fnnx'));
    expect(readFileSync(join(dir, 'a.fnnx')).equals(readFileSync(join(dir, 'b.fnnx')))).toBe(true);
  });

  it('writes manifest.json first, then the other five root files, then the rest in byte order', async () => {
    const out = join(tempDir(), 'order.fnnx');
    await packDir(CORPUS_DIR, out);
    const names = gnuTarList(out);
    expect(names.slice(0, 6)).toEqual(['manifest.json', 'ops.json', 'variant_config.json', 'dtypes.json', 'env.json', 'meta.json']);
    const rest = names.slice(6);
    expect(rest).toEqual([...rest].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
  });

  it('writes all six root files, in their empty forms, when the directory has only some', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'm'));
    writeFileSync(join(dir, 'm/manifest.json'), JSON.stringify(minimalManifest()));
    const out = join(dir, 'm.fnnx');
    await packDir(join(dir, 'm'), out);
    const store = await openStore(out);
    const a = await readArtifact(store);
    await store.close();
    expect([a.ops, a.variantConfig, a.dtypes, a.env, a.metadata]).toEqual([[], {}, {}, {}, []]);
    expect(gnuTarList(out)).toHaveLength(6);
  });

  it('refuses a directory holding a symbolic link, and writes no output', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'm'));
    writeFileSync(join(dir, 'm/manifest.json'), JSON.stringify(minimalManifest()));
    symlinkSync('/etc/passwd', join(dir, 'm/evil'));
    await expect(packDir(join(dir, 'm'), join(dir, 'm.fnnx'))).rejects.toMatchObject({ code: 'UNSUPPORTED_MEMBER', member: 'evil' });
  });

  it('refuses a FIFO in the folder as "a FIFO" (UNSUPPORTED_MEMBER), not "a other", without opening it', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'm'));
    writeFileSync(join(dir, 'm/manifest.json'), JSON.stringify(minimalManifest()));
    execFileSync('mkfifo', [join(dir, 'm/pipe')]);
    await expect(packDir(join(dir, 'm'), join(dir, 'm.fnnx'))).rejects.toMatchObject({
      code: 'UNSUPPORTED_MEMBER',
      member: 'pipe',
      message: 'is a FIFO; an artifact holds only regular files (links are never followed)',
    });
  });

  it("refuses a directory whose manifest lacks required keys, with validate's code", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'm'));
    writeFileSync(join(dir, 'm/manifest.json'), JSON.stringify({ variant: 'pipeline' }));
    await expect(packDir(join(dir, 'm'), join(dir, 'm.fnnx'))).rejects.toMatchObject({ code: 'MANIFEST_SCHEMA' });
  });

  it('streams a member larger than several read buffers intact (recycled buffers are never overwritten early)', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'm/ops_artifacts/main'), { recursive: true });
    writeFileSync(join(dir, 'm/manifest.json'), JSON.stringify(minimalManifest()));
    const model = Buffer.alloc(3 * 8 * 1024 * 1024 + 12_345);
    for (let i = 0; i + 4 <= model.length; i += 4) model.writeUInt32LE((i * 2654435761) >>> 0, i);
    writeFileSync(join(dir, 'm/ops_artifacts/main/model.onnx'), model);
    const out = join(dir, 'm.fnnx');
    const { descriptor } = await packDir(join(dir, 'm'), out);
    expect(descriptor.file_hash).toBe(sha256File(out));
    gnuTarExtract(out, join(dir, 'x'));
    expect(readFileSync(join(dir, 'x/ops_artifacts/main/model.onnx')).equals(model)).toBe(true);
    const { describeFile } = await import('../src/node/describe-file.js');
    const again = await describeFile(out);
    expect(again.descriptor).toEqual(descriptor);
  });

  it('indexes the packed file the same way walkTar does', async () => {
    const out = join(tempDir(), 'corpus.fnnx');
    const { descriptor } = await packDir(CORPUS_DIR, out);
    const source = await FileSource.open(out);
    expect(fileIndexOf((await walkTar(source)).entries)).toEqual(descriptor.file_index);
    await source.close();
  });
});

describe('pack CLI', () => {
  it('prints the upload descriptor with --json, and streams the same bytes to stdout with -o -', () => {
    const dir = tempDir();
    const out = join(dir, 'model.fnnx');
    const toFile = runCli(['pack', TESTOP_DIR, '-o', out, '--json']);
    expect(toFile.code, toFile.stderr).toBe(0);
    const d = JSON.parse(toFile.stdout) as { file_name: string; file_hash: string };
    expect([d.file_name, d.file_hash]).toEqual(['model.fnnx', sha256File(out)]);
    const toStdout = runCli(['pack', TESTOP_DIR, '-o', '-', '--quiet']);
    expect(toStdout.code, toStdout.stderr).toBe(0);
    expect(toStdout.stdoutBytes.equals(readFileSync(out))).toBe(true);
    expect(toStdout.stderr).toMatch(/wrote stdout: \d+ bytes/);
  });
});
