/**
 * The foreign-writer matrix: archives written by GNU tar (every format) and Python's tarfile
 * (USTAR/GNU/PAX), walked by our decoder and compared member by member with Python's reading.
 */
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileSource, fileIndexOf, walkTar, type TarEntry, type WalkResult } from '../src/index.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/paths.js';
import { pythonFileIndex } from './helpers/python.js';
import {
  LONG_COMPONENT,
  NON_ASCII,
  NON_UTF8,
  OVER_255,
  buildTree,
  gnuTar,
  gnuTarWrite,
  pythonRead,
  pythonWrite,
  type GnuFormat,
  type PyMember,
  type PythonFormat,
} from './helpers/foreign-tar.js';

async function walkFile(path: string): Promise<WalkResult> {
  const source = await FileSource.open(path);
  try {
    return await walkTar(source);
  } finally {
    await source.close();
  }
}

/** What both readers must agree on; sizes only for files (others' size fields mean nothing). */
function ours(e: TarEntry) {
  return { name: e.name, kind: e.kind, offset: e.headerOffset, dataOffset: e.dataOffset, size: e.kind === 'file' ? e.size : null, linkname: e.linkname };
}

/**
 * Python's view, with one deliberate difference: a GNU sparse member's data is a packed map of
 * its non-hole runs, not the file's bytes, so no [offset, size] range can serve it. Python lists
 * it as a regular file anyway; we note it as `other` and leave it out of the file_index.
 */
function theirs(m: PyMember) {
  const kind = m.sparse ? 'other' : m.kind;
  return { name: m.name, kind, offset: m.offset, dataOffset: m.sparse ? null : m.offsetData, size: kind === 'file' ? m.size : null, linkname: m.linkname };
}

async function expectSameAsPython(archive: string): Promise<WalkResult> {
  const walked = await walkFile(archive);
  const { members: py, index: pyIndex } = pythonRead(archive);
  const sparse = new Set(py.filter((m) => m.sparse).map((m) => m.name));
  expect(walked.entries.map((e) => ({ ...ours(e), dataOffset: sparse.has(e.name) ? null : e.dataOffset }))).toEqual(py.map(theirs));
  for (const name of sparse) delete pyIndex[name];
  expect(fileIndexOf(walked.entries)).toEqual(pyIndex);
  return walked;
}

/** Appends a second, different manifest.json: the archive then names it twice and the last wins. */
function rewriteManifest(root: string): void {
  writeFileSync(join(root, 'manifest.json'), JSON.stringify({ variant: 'pipeline', name: 'appended', pad: 'x'.repeat(600) }));
}

function expectLastManifestWins(walked: WalkResult): void {
  const manifests = walked.entries.filter((e) => e.name === 'manifest.json');
  expect(manifests).toHaveLength(2);
  expect(fileIndexOf(walked.entries)['manifest.json']).toEqual([manifests[1]!.dataOffset, manifests[1]!.size]);
}

const LINK_KINDS = (walked: WalkResult) =>
  Object.fromEntries(walked.entries.filter((e) => e.kind === 'symlink' || e.kind === 'hardlink').map((e) => [e.name, [e.kind, e.linkname]]));

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
      expect(LINK_KINDS(walked)).toEqual({ 'link-to-manifest': ['symlink', 'manifest.json'], 'hard-manifest.json': ['hardlink', 'manifest.json'] });
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

describe('Python tarfile archives', () => {
  for (const format of ['GNU', 'PAX'] as PythonFormat[]) {
    it(`${format}_FORMAT: long, non-ASCII and non-UTF-8 names, dirs, links and an append-mode duplicate match Python`, async () => {
      const dir = tempDir();
      const root = join(dir, 'tree');
      const names = buildTree(root, { long: true, nonUtf8: true });
      const archive = join(dir, 'a.tar');
      pythonWrite(archive, root, names, format);
      rewriteManifest(root);
      pythonWrite(archive, root, ['manifest.json'], format, { append: true });
      const walked = await expectSameAsPython(archive);
      expect(Object.keys(fileIndexOf(walked.entries))).toEqual(expect.arrayContaining([LONG_COMPONENT, OVER_255, NON_ASCII]));
      expect(LINK_KINDS(walked)).toEqual({ 'link-to-manifest': ['symlink', 'manifest.json'], 'hard-manifest.json': ['hardlink', 'manifest.json'] });
      expectLastManifestWins(walked);
    });
  }

  it('USTAR_FORMAT: names over 100 bytes split into prefix+name and an append-mode duplicate match Python', async () => {
    const dir = tempDir();
    const root = join(dir, 'tree');
    const names = buildTree(root);
    const archive = join(dir, 'a.tar');
    pythonWrite(archive, root, names, 'USTAR');
    rewriteManifest(root);
    pythonWrite(archive, root, ['manifest.json'], 'USTAR', { append: true });
    expectLastManifestWins(await expectSameAsPython(archive));
  });

  it('USTAR_FORMAT refuses a name over 255 bytes (Python raises "name is too long")', () => {
    const dir = tempDir();
    const root = join(dir, 'tree');
    buildTree(root, { long: true });
    expect(() => pythonWrite(join(dir, 'a.tar'), root, [OVER_255], 'USTAR')).toThrow(/name is too long/);
  });

  it('PAX_FORMAT with pax_headers= writes a global g header; members after it match Python', async () => {
    const dir = tempDir();
    const root = join(dir, 'tree');
    const names = buildTree(root, { long: true });
    const archive = join(dir, 'a.tar');
    pythonWrite(archive, root, names, 'PAX', { paxHeaders: { comment: 'global ü', 'fnnx.note': 'x'.repeat(300) } });
    const walked = await expectSameAsPython(archive);
    expect(walked.entries[0]!.headerOffset).toBe(1024);
  });

  it('a non-UTF-8 name is surrogate-escaped exactly as Python does, so the file_index JSON equals the registry client\'s', async () => {
    const dir = tempDir();
    const root = join(dir, 'tree');
    const names = buildTree(root, { nonUtf8: true });
    const archive = join(dir, 'a.tar');
    pythonWrite(archive, root, names, 'GNU');
    const index = fileIndexOf((await walkFile(archive)).entries);
    expect(Object.keys(index)).toContain('bad-\udcff\udcfe.bin');
    expect(JSON.stringify(index)).toContain('bad-\\udcff\\udcfe.bin');
    expect(NON_UTF8.toString('latin1')).toBe('bad-\u00ff\u00fe.bin');
  });
});

describe('the index command on foreign archives', () => {
  for (const [writer, format] of [
    ['gnu tar', 'posix'],
    ['gnu tar', 'gnu'],
    ['python', 'PAX'],
  ] as const) {
    it(`prints JSON equal to Python's file_index for a ${writer} ${format} archive with long and non-ASCII names`, () => {
      const dir = tempDir();
      const root = join(dir, 'tree');
      const names = buildTree(root, { long: true });
      const archive = join(dir, 'a.tar');
      if (writer === 'python') pythonWrite(archive, root, names, format as PythonFormat);
      else gnuTarWrite(archive, root, names, format as GnuFormat);
      const r = runCli(['index', archive]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual(pythonFileIndex(archive));
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
