/**
 * The layers of src/ (scripts/layers.cjs, enforced by `npm run lint:layers`): docs/design.md draws
 * the same table, every module is in a layer, and dependency-cruiser reports an import that goes
 * up a layer (a type-only one too), a cycle and an import between the two platforms.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './helpers/paths.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const { layers, layerOf } = require('../scripts/layers.cjs') as {
  layers: { name: string; paths: string[] }[];
  layerOf: (path: string) => number;
};

/** The rows of the table under "## Layers" in docs/design.md: each layer's name and its backquoted paths. */
function designTable(): { name: string; paths: string[] }[] {
  const doc = readFileSync(join(ROOT, 'docs/design.md'), 'utf8');
  const section = doc.split(/^## Layers$/m)[1]!.split(/^## /m)[0]!;
  const rows = section.split('\n').filter((line) => line.startsWith('| ') && !/^\| (Layer|---) /.test(line));
  return rows.map((row) => {
    const [name, folders] = row.split('|').slice(1, 3) as [string, string];
    return { name: name.trim(), paths: [...folders.matchAll(/`([^`]+)`/g)].map((m) => m[1]!) };
  });
}

/** Runs dependency-cruiser with the project's config over `dir`'s src/; the names of the rules broken, sorted. */
function brokenRules(dir: string): string[] {
  const r = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'),
      'src',
      '--config',
      join(ROOT, '.dependency-cruiser.cjs'),
      '--output-type',
      'json',
    ],
    { cwd: dir, encoding: 'utf8' },
  );
  const out = JSON.parse(r.stdout) as { summary: { violations: { rule: { name: string }; from: string; to: string }[] } };
  return out.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
}

function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

describe('layers', () => {
  it('docs/design.md draws the layers scripts/layers.cjs enforces, in the same order', () => {
    expect(designTable()).toEqual(layers.map(({ name, paths }) => ({ name, paths })));
  });

  it('every module under src/ is in a layer', () => {
    const modules = (readdirSync(join(ROOT, 'src'), { recursive: true }) as string[])
      .filter((f) => f.endsWith('.ts'))
      .map((f) => 'src/' + f.split('\\').join('/'));
    expect(modules.filter((m) => layerOf(m) === -1)).toEqual([]);
  });

  it('no path sits in two nested folders of other layers (the config cuts out one level of nesting)', () => {
    const all = layers.flatMap((layer) => layer.paths);
    const outer = (p: string) => all.filter((o) => o !== p && o.endsWith('/') && p.startsWith(o));
    expect(all.filter((p) => outer(p).some((o) => outer(o).length > 0))).toEqual([]);
  });

  it('reports an import up a layer (type-only too), a cycle and one platform importing the other; not one down a layer', () => {
    const dir = tempDir();
    writeFiles(dir, {
      'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }),
      'src/tar/low.ts': "import type { High } from '../artifact/high.js';\nexport type Low = High;\n",
      'src/artifact/high.ts': "import { low } from '../tar/other.js';\nexport interface High { n: number }\nexport const high = low;\n",
      'src/tar/other.ts': 'export const low = 1;\n',
      'src/diff/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
      'src/diff/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
      'src/node/n.ts': "import { w } from '../web/w.js';\nexport const n = w;\n",
      'src/web/w.ts': 'export const w = 1;\n',
      'src/validate/generated/schemas.ts': 'export const schemas = 1;\n',
      'src/artifact/uses-schemas.ts': "import { schemas } from '../validate/generated/schemas.js';\nexport const s = schemas;\n",
    });
    expect(brokenRules(dir)).toEqual([
      'layer-5-imports-up: src/tar/low.ts -> src/artifact/high.ts',
      'no-cycle: src/diff/a.ts -> src/diff/b.ts',
      'platforms-apart: src/node/n.ts -> src/web/w.ts',
    ]);
  });
});
