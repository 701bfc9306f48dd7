import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './helpers/paths.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SKIP = new Set(['node_modules', 'dist', 'dist-web', '.git', '.ci', '.tools', 'bench/out', 'tmp']);
/** A file an earlier build left in dist/ (its source since deleted): the package must not carry it. */
const STALE = 'dist/hash/left-by-a-deleted-source.js';

interface Packed {
  stdout: string;
  stderr: string;
  /** A copy of the package with the build `npm pack` ran in it (so this test never rebuilds the dist/ other tests load). */
  dir: string;
  files: string[];
}

let packed: Packed;

beforeAll(() => {
  const dir = join(tempDir(), 'pkg');
  cpSync(ROOT, dir, { recursive: true, filter: (src) => !SKIP.has(relative(ROOT, src).split('\\').join('/')) });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  mkdirSync(join(dir, 'dist/hash'), { recursive: true });
  writeFileSync(join(dir, STALE), 'export const stale = true;\n');
  const r = spawnSync('npm', ['pack', '--dry-run', '--json'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26 });
  expect(r.status, r.stderr).toBe(0);
  const files = (() => {
    try {
      return (JSON.parse(r.stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
    } catch {
      return [];
    }
  })();
  packed = { stdout: r.stdout, stderr: r.stderr, dir, files };
}, 600_000);

describe('the published package', () => {
  it('`npm pack --dry-run --json` prints only JSON (the build the prepare script runs writes to stderr)', () => {
    expect(() => JSON.parse(packed.stdout) as unknown).not.toThrow();
    expect(packed.stdout.trimStart().startsWith('[')).toBe(true);
    expect(packed.files.length).toBeGreaterThan(50);
  });

  it('ships an MIT LICENSE, as package.json declares, in the name of the fnnx-kit authors', () => {
    expect(packed.files).toContain('LICENSE');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { license: string };
    expect(pkg.license).toBe('MIT');
    const text = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
    expect(text).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} the fnnx-kit authors\n/);
    expect(text).toContain('THE SOFTWARE IS PROVIDED "AS IS"');
  });

  it('ships no source maps, and no script points at one (maps were 3.0 of the 5.5 MB it unpacked to)', () => {
    expect(packed.files.filter((f) => f.endsWith('.map'))).toEqual([]);
    const scripts = packed.files.filter((f) => /\.(c|m)?js$/.test(f));
    expect(scripts.length).toBeGreaterThan(50);
    const pointing = scripts.filter((f) => readFileSync(join(packed.dir, f), 'utf8').includes('sourceMappingURL='));
    expect(pointing).toEqual([]);
  });

  it('ships what the current sources build: nothing an earlier build left in dist/, no build stamp', () => {
    expect(packed.files).toContain('dist/hash/wasm-hasher.js');
    expect(packed.files).not.toContain(STALE);
    expect(packed.files).not.toContain('dist/.build-inputs');
  });

  it('the .d.ts files name no document the package does not ship', () => {
    const shipped = new Set(packed.files);
    const missing: string[] = [];
    for (const dts of packed.files.filter((f) => f.endsWith('.d.ts'))) {
      const text = readFileSync(join(packed.dir, dts), 'utf8');
      for (const [doc] of text.matchAll(/[A-Za-z0-9_./-]*[A-Za-z0-9_-]\.md\b/g)) {
        const inPackage = shipped.has(doc) || shipped.has(posix.normalize(posix.join(posix.dirname(dts), doc)));
        if (!inPackage) missing.push(`${dts}: ${doc}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('the copy the test packed is the package itself (bin, dist, schemas present)', () => {
    for (const f of ['bin/fnnx-kit.cjs', 'dist/index.js', 'dist/index.d.ts', 'dist-web/page/index.html', 'package.json', 'README.md'])
      expect(packed.files, f).toContain(f);
  });
});
