/** The foreign-writer matrix, Python half: tarfile's USTAR/GNU/PAX formats, and the index command on both writers' archives. */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fileIndexOf } from '../src/tar/file-index.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/paths.js';
import { pythonFileIndex } from './helpers/python.js';
import {
  LONG_COMPONENT,
  NON_ASCII,
  NON_UTF8,
  OVER_255,
  buildTree,
  gnuTarWrite,
  pythonWrite,
  type GnuFormat,
  type PythonFormat,
} from './helpers/foreign-tar.js';
import { expectLastManifestWins, expectSameAsPython, linkKinds, rewriteManifest, walkFile } from './helpers/foreign-compare.js';

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
      expect(linkKinds(walked)).toEqual({
        'link-to-manifest': ['symlink', 'manifest.json'],
        'hard-manifest.json': ['hardlink', 'manifest.json'],
      });
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

  it("a non-UTF-8 name is surrogate-escaped exactly as Python does, so the file_index JSON equals the registry client's", async () => {
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
