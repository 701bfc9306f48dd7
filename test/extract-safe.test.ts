/**
 * extractTar on sound and awkward (not hostile) archives: the same tree GNU tar makes, last-wins on
 * normalised paths, safe modes, existing files replaced rather than written through, and the
 * directory form it produces reads back as the same artifact.
 */
import { execFileSync } from 'node:child_process';
import { linkSync, lstatSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractTar } from '../src/node/extract.js';
import { FileSource } from '../src/node/file-source.js';
import { MemorySource } from '../src/source/memory-source.js';
import { DirStore } from '../src/node/dir-store.js';
import { TarStore } from '../src/artifact/tar-store.js';
import { readArtifact } from '../src/artifact/reader.js';
import { CORPUS_TAR, tempDir } from './helpers/paths.js';
import { file, header, pax, tar } from './helpers/hostile-tar.js';
import { soundRoot } from './helpers/hostile-corpus.js';
import { runCli } from './helpers/cli.js';

function listTree(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix))
    .sort()
    .flatMap((n) => {
      const rel = prefix ? `${prefix}/${n}` : n;
      return lstatSync(join(dir, rel)).isDirectory() ? [`${rel}/`, ...listTree(dir, rel)] : [rel];
    });
}

describe('extract of sound artifacts', () => {
  it('writes the same tree and bytes as GNU tar for the reference corpus artifact', async () => {
    const ours = tempDir('fnnx-ex-');
    const gnu = tempDir('fnnx-gnu-');
    const source = await FileSource.open(CORPUS_TAR);
    const result = await extractTar(source, ours);
    await source.close();
    execFileSync('tar', ['-xf', CORPUS_TAR, '-C', gnu]);
    expect(result.refused).toEqual([]);
    expect(listTree(ours)).toEqual(listTree(gnu));
    for (const f of listTree(gnu).filter((p) => !p.endsWith('/'))) expect(readFileSync(join(ours, f))).toEqual(readFileSync(join(gnu, f)));
  });

  it('produces a directory form that reads as the same artifact', async () => {
    const out = tempDir('fnnx-ex-');
    const source = await FileSource.open(CORPUS_TAR);
    const fromTar = await readArtifact(new TarStore(source));
    await extractTar(source, out);
    const fromDir = await readArtifact(new DirStore(out));
    expect(fromDir.manifest).toEqual(fromTar.manifest);
    expect(fromDir.ops).toEqual(fromTar.ops);
    expect(Object.keys(fromDir.fileIndex).sort()).toEqual(Object.keys(fromTar.fileIndex).sort());
    await source.close();
  });

  it('the CLI prints a summary and exits 0', () => {
    const out = tempDir('fnnx-ex-');
    const r = runCli(['extract', CORPUS_TAR, '-C', join(out, 'new', 'dir')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^extracted \d+ files and \d+ directories \(\d+ bytes\) to /);
    expect(r.stderr).toBe('');
  });

  it('--json lists what was written and refused, for machines', () => {
    const out = join(tempDir('fnnx-ex-'), 'x');
    const r = runCli(['extract', CORPUS_TAR, '-C', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { directory: string; files: unknown[]; bytes: number; refused: unknown[] };
    expect(report.directory).toBe(out);
    expect(report.files.length).toBeGreaterThanOrEqual(12);
    expect(report.bytes).toBeGreaterThan(0);
    expect(report.refused).toEqual([]);
  });

  it('refuses a directory-form artifact as input with a usage error (exit 2)', () => {
    const out = tempDir('fnnx-ex-');
    const r = runCli(['extract', out, '-C', join(out, 'x')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\(IS_A_DIRECTORY\)\n {2}hint: [^\n]+\n$/);
  });
});

describe('extract rules', () => {
  it('applies last-wins on the normalised path: ./dir/x, dir//x and dir/./x are one member', async () => {
    const out = tempDir('fnnx-ex-');
    const bytes = tar([...soundRoot(), file('./dir/x.txt', 'first'), file('dir//x.txt', 'second'), file('dir/./x.txt', 'third')]);
    const result = await extractTar(new MemorySource(bytes), out);
    expect(readFileSync(join(out, 'dir/x.txt'), 'utf8')).toBe('third');
    expect(result.files.filter((f) => f === 'dir/x.txt')).toHaveLength(1);
  });

  it('writes 0755 for any executable bit and 0644 otherwise, never setuid/setgid/sticky or group/other write', async () => {
    const out = tempDir('fnnx-ex-');
    const bytes = tar([
      file('run.sh', '#!/bin/sh', { mode: 0o6777 }),
      file('data.bin', 'x', { mode: 0o1666 }),
      file('plain', 'x', { mode: 0o600 }),
    ]);
    await extractTar(new MemorySource(bytes), out);
    expect(statSync(join(out, 'run.sh')).mode & 0o7777).toBe(0o755);
    expect(statSync(join(out, 'data.bin')).mode & 0o7777).toBe(0o644);
    expect(statSync(join(out, 'plain')).mode & 0o7777).toBe(0o644);
  });

  it('replaces an existing file instead of writing through its other hard links', async () => {
    const out = tempDir('fnnx-ex-');
    const elsewhere = join(tempDir('fnnx-else-'), 'keep.txt');
    writeFileSync(elsewhere, 'untouched');
    linkSync(elsewhere, join(out, 'meta.json'));
    await extractTar(new MemorySource(tar(soundRoot())), out);
    expect(readFileSync(join(out, 'meta.json'), 'utf8')).toBe('[]');
    expect(readFileSync(elsewhere, 'utf8')).toBe('untouched');
  });

  it('refuses to write over a FIFO already in the target, without blocking on it', async () => {
    const out = tempDir('fnnx-ex-');
    execFileSync('mkfifo', [join(out, 'meta.json')]);
    const result = await extractTar(new MemorySource(tar(soundRoot())), out);
    expect(result.refused.map((e) => [e.member, e.code])).toEqual([['meta.json', 'PATH_CONFLICT']]);
    expect(lstatSync(join(out, 'meta.json')).isFIFO()).toBe(true);
  });

  it('treats "./" as the target itself, not as a refused member', async () => {
    const out = tempDir('fnnx-ex-');
    const result = await extractTar(
      new MemorySource(tar([[header({ name: './', typeflag: '5', mode: 0o755 })], file('./a.txt', 'a')])),
      out,
    );
    expect(result.refused).toEqual([]);
    expect(result.files).toEqual(['a.txt']);
  });

  it('a refused member does not stop the others, and nothing is written for it', async () => {
    const out = tempDir('fnnx-ex-');
    const bytes = tar([file('a.txt', 'a'), pax({ path: '../escape.txt' }), file('x', 'evil'), file('b.txt', 'b')]);
    const result = await extractTar(new MemorySource(bytes), join(out, 't'));
    expect(result.files).toEqual(['a.txt', 'b.txt']);
    expect(result.refused.map((e) => e.code)).toEqual(['PATH_TRAVERSAL']);
    expect(readdirSync(out)).toEqual(['t']);
  });

  it('a malformed archive fails before the target directory is even created', async () => {
    const out = join(tempDir('fnnx-ex-'), 'never');
    const bytes = tar([file('a.txt', 'a')]);
    bytes[152] = bytes[152] === 0x37 ? 0x36 : 0x37; // one checksum digit
    await expect(extractTar(new MemorySource(bytes), out)).rejects.toMatchObject({ code: 'NOT_A_TAR' });
    expect(() => statSync(out)).toThrow();
  });

  it('a target that is an existing file is one usage error, exit 2', () => {
    const path = join(tempDir('fnnx-ex-'), 'a-file');
    writeFileSync(path, 'x');
    const r = runCli(['extract', CORPUS_TAR, '-C', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^fnnx-kit: cannot use .* \(BAD_TARGET\)\n {2}hint: [^\n]+\n$/);
  });

  it('streams a 64 MiB member through 1 MiB chunks to the same bytes', async () => {
    const out = tempDir('fnnx-ex-');
    const big = new Uint8Array(64 * 1024 * 1024);
    big[big.length - 1] = 42;
    const path = join(out, 'big.tar');
    writeFileSync(path, tar([file('big.bin', big)]));
    mkdirSync(join(out, 'x'));
    const source = await FileSource.open(path);
    const result = await extractTar(source, join(out, 'x'), { chunkSize: 1 << 20 });
    await source.close();
    expect(result.bytes).toBe(big.length);
    const written = readFileSync(join(out, 'x/big.bin'));
    expect(written.length).toBe(big.length);
    expect(written[big.length - 1]).toBe(42);
  });
});
