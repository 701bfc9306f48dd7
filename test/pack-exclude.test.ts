import { describe, expect, it } from 'vitest';
import { cpSync, linkSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifactInputFromDir } from '../src/node/pack-dir.js';
import { excludeFilter, pathGlob } from '../src/build/path-glob.js';
import { MINIMAL_DIR, tempDir } from './helpers/paths.js';
import { runCli } from './helpers/cli.js';
import { gnuTarList, sha256File } from './helpers/build-fixtures.js';

/** A copy of the minimal sound folder to pack in place, with the clutter a real project folder has. */
function projectFolder(): string {
  const dir = join(tempDir(), 'model');
  cpSync(MINIMAL_DIR, dir, { recursive: true });
  mkdirSync(join(dir, 'variant_artifacts/extra_modules/__pycache__'), { recursive: true });
  writeFileSync(join(dir, 'variant_artifacts/extra_modules/__pycache__/helper.cpython-312.pyc'), 'bytecode');
  writeFileSync(join(dir, 'variant_artifacts/stray.pyc'), 'bytecode');
  writeFileSync(join(dir, 'train.log'), 'epoch 1');
  mkdirSync(join(dir, 'data/raw'), { recursive: true });
  writeFileSync(join(dir, 'data/raw/big.csv'), 'a,b');
  writeFileSync(join(dir, 'data/keep.csv'), 'a,b');
  return dir;
}

const members = (archive: string) => gnuTarList(archive).filter((n) => !n.endsWith('/'));

describe('pack never packs its own output', () => {
  it('packing into the folder three times gives the same bytes each time, with no copy of the previous artifact inside', () => {
    const dir = projectFolder();
    const sizes: number[] = [];
    const hashes: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = runCli(['pack', '.', '-o', 'model.fnnx'], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      sizes.push(statSync(join(dir, 'model.fnnx')).size);
      hashes.push(sha256File(join(dir, 'model.fnnx')));
    }
    expect(new Set(sizes).size).toBe(1);
    expect(new Set(hashes).size).toBe(1);
    expect(members(join(dir, 'model.fnnx'))).not.toContain('model.fnnx');
  });

  it('leaves out another name of the output (a hard link) and temporary files a crashed pack left behind', () => {
    const dir = projectFolder();
    expect(runCli(['pack', dir, '-o', join(dir, 'model.fnnx')]).code).toBe(0);
    linkSync(join(dir, 'model.fnnx'), join(dir, 'data/same-inode.fnnx'));
    writeFileSync(join(dir, '.model.fnnx.4242.1700000000000.partial'), 'half an artifact');
    const r = runCli(['pack', dir, '-o', join(dir, 'model.fnnx')]);
    expect(r.code, r.stderr).toBe(0);
    const names = members(join(dir, 'model.fnnx'));
    expect(names).not.toContain('data/same-inode.fnnx');
    expect(names).not.toContain('.model.fnnx.4242.1700000000000.partial');
    expect(names).toContain('data/keep.csv');
  });

  it('an output outside the folder that merely shares its name does not hide a member', () => {
    const dir = projectFolder();
    writeFileSync(join(dir, 'model.fnnx'), 'a member that happens to be called model.fnnx');
    const out = join(tempDir(), 'model.fnnx');
    expect(runCli(['pack', dir, '-o', out]).code).toBe(0);
    expect(members(out)).toContain('model.fnnx');
  });
});

describe('pack --exclude', () => {
  it('leaves out __pycache__/ and *.pyc by default, as the reference FNNX builder does; --no-default-excludes keeps them', () => {
    const dir = projectFolder();
    const out = join(tempDir(), 'a.fnnx');
    expect(runCli(['pack', dir, '-o', out]).code).toBe(0);
    const names = members(out);
    expect(names.filter((n) => n.includes('__pycache__') || n.endsWith('.pyc'))).toEqual([]);
    expect(names).toContain('train.log');
    expect(runCli(['pack', dir, '-o', out, '--no-default-excludes']).code).toBe(0);
    expect(members(out)).toEqual(
      expect.arrayContaining(['variant_artifacts/stray.pyc', 'variant_artifacts/extra_modules/__pycache__/helper.cpython-312.pyc']),
    );
  });

  it('is repeatable: a name pattern matches at any depth, a path pattern from the root, a trailing slash a whole folder', () => {
    const dir = projectFolder();
    const out = join(tempDir(), 'a.fnnx');
    const r = runCli(['pack', dir, '-o', out, '--exclude', '*.log', '--exclude', 'data/raw/']);
    expect(r.code, r.stderr).toBe(0);
    const names = members(out);
    expect(names).not.toContain('train.log');
    expect(names).not.toContain('data/raw/big.csv');
    expect(names).toContain('data/keep.csv');
  });

  it('refuses a pattern that can name nothing inside the folder (exit 2, BAD_EXCLUDE)', () => {
    const r = runCli(['pack', projectFolder(), '-o', join(tempDir(), 'a.fnnx'), '--exclude', '../secrets']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^fnnx-kit: .*\(BAD_EXCLUDE\)$/m);
  });

  it('is a library option too: artifactInputFromDir(dir, {exclude, output})', async () => {
    const dir = projectFolder();
    writeFileSync(join(dir, 'out.fnnx'), 'previous output');
    const input = await artifactInputFromDir(dir, { exclude: ['data/**'], output: join(dir, 'out.fnnx') });
    const names = (input.files ?? []).map((f) => f.name);
    expect(names.some((n) => n.startsWith('data/'))).toBe(false);
    expect(names).not.toContain('out.fnnx');
    expect(names).toContain('train.log');
  });
});

describe('path globs', () => {
  it('* and ? stay within a segment, ** crosses them, / anchors to the root', () => {
    expect(pathGlob('*.pyc').matches('a/b/c.pyc', false)).toBe(true);
    expect(pathGlob('a/*.csv').matches('a/b/c.csv', false)).toBe(false);
    expect(pathGlob('a/**/c.csv').matches('a/c.csv', false)).toBe(true);
    expect(pathGlob('a/**/c.csv').matches('a/x/y/c.csv', false)).toBe(true);
    expect(pathGlob('a/**').matches('a/x/y', false)).toBe(true);
    expect(pathGlob('?.txt').matches('ab.txt', false)).toBe(false);
    expect(pathGlob('cache/').matches('x/cache', false)).toBe(false);
    expect(pathGlob('cache/').matches('x/cache', true)).toBe(true);
    expect(pathGlob('a+b(1).txt').matches('a+b(1).txt', false)).toBe(true);
  });

  it('everything under an excluded folder is excluded in one pass over a depth-first listing', () => {
    const out = excludeFilter([pathGlob('build/')]);
    const listing: Array<[string, boolean]> = [
      ['build', true],
      ['build/x', true],
      ['build/x/y.bin', false],
      ['builder.txt', false],
    ];
    expect(listing.filter(([p, d]) => !out(p, d)).map(([p]) => p)).toEqual(['builder.txt']);
  });
});
