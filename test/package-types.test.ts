/**
 * The package's type declarations as a new user meets them: `npm pack`'s tarball unpacked into a
 * fresh project's node_modules (as `npm install <tarball>` lays it out: the package plus its
 * runtime dependencies, none of its devDependencies' @types), then the README's library examples
 * type-checked with `strict` and `module: nodenext` under the `types` settings users have:
 * unset (TypeScript 5 loads every @types package), `[]` (TypeScript 6 and later by default) and
 * `["node"]`, and a browser project that has no @types/node at all.
 *
 * The tarball packs the dist/ the global setup built from the current sources (`--ignore-scripts`):
 * test/package-clean.test.ts checks what `prepare` builds, at the cost of a whole build. No network:
 * the dependencies and TypeScript are linked from this checkout's node_modules, as `npm ci` left them.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers/paths.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The README's ```ts blocks: the library examples a user copies. */
const examples = [...README.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
const webExamples = examples.filter((code) => code.includes(`from 'fnnx-kit/web'`));
const nodeExamples = examples.filter((code) => !webExamples.includes(code));

let tarball: string;
/** The packed package.json's runtime dependencies: what `npm install` would add beside it. */
let dependencies: string[];

beforeAll(() => {
  const out = tempDir('fnnx-pack-');
  const r = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', out], { cwd: ROOT, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  tarball = join(out, (JSON.parse(r.stdout) as Array<{ filename: string }>)[0]!.filename);
  const pkg = spawnSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' });
  expect(pkg.status, pkg.stderr).toBe(0);
  dependencies = Object.keys((JSON.parse(pkg.stdout) as { dependencies: Record<string, string> }).dependencies);
}, 120_000);

interface Project {
  /** The project's compilerOptions beside strict, nodenext, noEmit and a full lib check. */
  options: Record<string, unknown>;
  files: string[];
  withNodeTypes: boolean;
}

/** A fresh project holding the unpacked package, its runtime dependencies, TypeScript and (if asked) @types/node. */
function freshProject({ options, files, withNodeTypes }: Project): string {
  const dir = tempDir('fnnx-fresh-');
  const modules = join(dir, 'node_modules');
  mkdirSync(join(modules, '@types'), { recursive: true });
  // Unpacked, not linked: tsc resolves a link to where it points, and would look for the
  // package's dependencies beside the tarball instead of in this project.
  mkdirSync(join(modules, 'fnnx-kit'));
  const x = spawnSync('tar', ['-xzf', tarball, '-C', join(modules, 'fnnx-kit'), '--strip-components=1'], { encoding: 'utf8' });
  expect(x.status, x.stderr).toBe(0);
  const linked = [...dependencies, 'typescript', ...(withNodeTypes ? ['@types/node'] : [])];
  for (const name of linked) symlinkSync(join(ROOT, 'node_modules', name), join(modules, name), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fresh', private: true, type: 'module' }));
  const compilerOptions = { strict: true, module: 'nodenext', target: 'es2022', noEmit: true, skipLibCheck: false, ...options };
  files.forEach((code, i) => writeFileSync(join(dir, `example-${i}.ts`), code));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: files.map((_, i) => `example-${i}.ts`) }));
  return dir;
}

function typeCheck(project: Project): { code: number | null; output: string } {
  const dir = freshProject(project);
  const r = spawnSync(process.execPath, [join(dir, 'node_modules/typescript/bin/tsc'), '-p', dir, '--pretty', 'false'], {
    encoding: 'utf8',
  });
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('the packed type declarations in a fresh strict nodenext project', { timeout: 120_000 }, () => {
  it('the README shows a Node example and a browser example of the library', () => {
    expect(nodeExamples.length).toBeGreaterThanOrEqual(1);
    expect(webExamples.length).toBeGreaterThanOrEqual(1);
    expect(nodeExamples.every((code) => code.includes(`from 'fnnx-kit'`))).toBe(true);
  });

  it('compile with "types" unset (TypeScript 5 loads every installed @types package)', () => {
    expect(typeCheck({ options: {}, files: examples, withNodeTypes: true })).toEqual({ code: 0, output: '' });
  });

  it('compile with "types": [] (the default from TypeScript 6): the Node entry references @types/node itself', () => {
    expect(typeCheck({ options: { types: [] }, files: examples, withNodeTypes: true })).toEqual({ code: 0, output: '' });
  });

  it('compile with "types": ["node"] and no DOM library', () => {
    expect(typeCheck({ options: { types: ['node'], lib: ['es2023'] }, files: nodeExamples, withNodeTypes: true })).toEqual({
      code: 0,
      output: '',
    });
  });

  it('the Node entry compiles with "types": [] and no DOM library: nothing ambient is assumed', () => {
    expect(typeCheck({ options: { types: [], lib: ['es2023'] }, files: nodeExamples, withNodeTypes: true })).toEqual({
      code: 0,
      output: '',
    });
  });

  it('fnnx-kit/web compiles with only the DOM library, in a project without @types/node', () => {
    expect(typeCheck({ options: { types: [], lib: ['es2023', 'dom'] }, files: webExamples, withNodeTypes: false })).toEqual({
      code: 0,
      output: '',
    });
  });

  it('a type error in an example is reported (the check can fail)', () => {
    const wrong = `import { openBlob } from 'fnnx-kit/web';\nconst name: string = openBlob(new Blob([]));\n`;
    const r = typeCheck({ options: { types: [], lib: ['es2023', 'dom'] }, files: [wrong], withNodeTypes: false });
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/example-0\.ts\(2,7\): error TS2322/);
  });
});
