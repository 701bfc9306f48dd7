/** The foreign-writer matrix, GNU tar half: every --format, sparse and incremental archives. */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fileIndexOf } from '../src/tar/file-index.js';
import { tempDir } from './helpers/paths.js';
import { LONG_COMPONENT, NON_ASCII, OVER_255, buildTree, gnuTar, gnuTarWrite, pythonRead, type GnuFormat } from './helpers/foreign-tar.js';
import { expectLastManifestWins, expectSameAsPython, linkKinds, rewriteManifest, walkFile } from './helpers/foreign-compare.js';

describe('GNU tar archives', () => {
  const longFormats: GnuFormat[] = ['gnu', 'oldgnu', 'posix'];
  for (const format of longFormats) {
    it(`--format=${format}: names over 100 and 255 bytes, non-ASCII, non-UTF-8, dirs, links and an appended duplicate match Python`, async () => {
      const dir = tempDir();
      const root = join(dir, 'tree');
      const names = buildTree(root, { long: true, nonUtf8: true });
      const archive = join(dir, 'a.tar');
      const created = gnuTarWrite(archive, root, names, format);
      expect(created.stderr).toBe('');
      rewriteManifest(root);
      expect(gnuTarWrite(archive, root, ['manifest.json'], format, { append: true }).code).toBe(0);

      const walked = await expectSameAsPython(archive);
      const index = fileIndexOf(walked.entries);
      expect(Object.keys(index)).toEqual(expect.arrayContaining([LONG_COMPONENT, OVER_255, NON_ASCII]));
      expect(linkKinds(walked)).toEqual({
        'link-to-manifest': ['symlink', 'manifest.json'],
        'hard-manifest.json': ['hardlink', 'manifest.json'],
      });
      expect(walked.entries.find((e) => e.name === 'emptydir')?.kind).toBe('directory');
      expectLastManifestWins(walked);
      expect(walked.warnings).toEqual([]);
    });
  }

  it('--format=ustar: names over 100 bytes split into prefix+name, non-ASCII, links and an appended duplicate match Python', async () => {
    const dir = tempDir();
    const root = join(dir, 'tree');
    const names = buildTree(root);
    const archive = join(dir, 'a.tar');
    expect(gnuTarWrite(archive, root, names, 'ustar').code).toBe(0);
    rewriteManifest(root);
    expect(gnuTarWrite(archive, root, ['manifest.json'], 'ustar', { append: true }).code).toBe(0);
    const walked = await expectSameAsPython(archive);
    expect(Object.keys(fileIndexOf(walked.entries))).toContain('nested/' + 'n'.repeat(60) + '/' + 'f'.repeat(60) + '.bin');
    expectLastManifestWins(walked);
  });

  it('--format=ustar refuses names it cannot hold (exit 2, "too long"), writes the rest, and that archive matches Python', async () => {
    const dir = tempDir();
    const root = join(dir, 'tree');
    const names = buildTree(root, { long: true });
    const archive = join(dir, 'a.tar');
    const r = gnuTarWrite(archive, root, names, 'ustar');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/too long/);
    const walked = await expectSameAsPython(archive);
    const index = fileIndexOf(walked.entries);
    expect(index[LONG_COMPONENT]).toBeUndefined();
    expect(index[OVER_255]).toBeUndefined();
    expect(index['manifest.json']).toBeDefined();
  });

  it('--format=v7 (no magic, no prefix): what it writes matches Python', async () => {
    const dir = tempDir();
    const root = join(dir, 'tree');
    const names = buildTree(root).filter((n) => n !== 'nested' && n !== 'ünïcødé');
    const archive = join(dir, 'a.tar');
    expect(gnuTarWrite(archive, root, names, 'v7').code).toBe(0);
    const walked = await expectSameAsPython(archive);
    expect(fileIndexOf(walked.entries)['ops_artifacts/main/model.onnx']?.[1]).toBe(1000);
  });

  it('--format=posix with a --pax-option global header (typeflag g): records are applied, offsets match Python', async () => {
    const dir = tempDir();
    const root = join(dir, 'tree');
    const names = buildTree(root);
    const archive = join(dir, 'a.tar');
    expect(gnuTarWrite(archive, root, names, 'posix', { extra: ['--pax-option=comment=made-by-test'] }).code).toBe(0);
    const walked = await expectSameAsPython(archive);
    // The global header is not part of the first member: its header offset is its own.
    expect(walked.entries[0]!.headerOffset).toBeGreaterThan(0);
  });

  it('--format=gnu -G (incremental): the atime/ctime GNU keeps in the prefix area is not a name prefix (Python reads it as one; we agree with GNU tar -t)', async () => {
    const dir = tempDir();
    const root = join(dir, 'tree');
    buildTree(root);
    const archive = join(dir, 'a.tar');
    expect(gnuTarWrite(archive, root, ['ops_artifacts'], 'gnu', { extra: ['-G'] }).code).toBe(0);
    const walked = await walkFile(archive);
    const listed = gnuTar(['-tf', archive], dir).stdout.split('\n').filter(Boolean);
    expect(walked.entries.map((e) => (e.kind === 'directory' ? `${e.name}/` : e.name))).toEqual(listed);
    expect(fileIndexOf(walked.entries)).toEqual({ 'ops_artifacts/main/model.onnx': [expect.any(Number), 1000] });
    // Python prepends the octal atime: its names are not the archive's names.
    const pyNames = Object.keys(pythonRead(archive).index);
    expect(pyNames).toHaveLength(1);
    expect(pyNames[0]).toMatch(/^[0-7]+\/ops_artifacts\/main\/model\.onnx$/);
    // The 'D' (dumpdir) members are noted as other, their data skipped.
    expect(walked.entries.filter((e) => e.typeflag === 'D').map((e) => e.kind)).toEqual(['other', 'other']);
  });

  for (const [format, version] of [['gnu'], ['oldgnu'], ['posix', '0.0'], ['posix', '0.1'], ['posix', '1.0']] as const) {
    it(`--format=${format} -S ${version ?? ''}: a sparse member (6 runs) is noted as "other" under its real name, not indexed, and the member after it is found`, async () => {
      const dir = tempDir();
      const root = join(dir, 'tree');
      const names = buildTree(root, { sparse: true });
      const archive = join(dir, 'a.tar');
      const extra = version ? [`--sparse-version=${version}`] : [];
      expect(gnuTarWrite(archive, root, names, format, { sparse: true, extra }).code).toBe(0);
      const walked = await expectSameAsPython(archive);
      expect(walked.entries.find((e) => e.name === 'sparse.bin')?.kind).toBe('other');
      expect(fileIndexOf(walked.entries)['after-sparse.json']?.[1]).toBe(15);
    });
  }
});

describe('GNU tar reads back what it wrote', () => {
  it('lists the matrix tree in every format (sanity check of the writers themselves)', () => {
    const dir = tempDir();
    const root = join(dir, 'tree');
    const names = buildTree(root, { long: true });
    for (const format of ['gnu', 'posix'] as const) {
      const archive = join(dir, `${format}.tar`);
      gnuTarWrite(archive, root, names, format);
      expect(gnuTar(['-tf', archive], dir).stdout).toContain(OVER_255);
    }
  });
});
