import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN } from './helpers/cli.js';
import { FIXTURES, tempDir } from './helpers/paths.js';

const README = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
/** Written on the line before a ```sh block that is an illustration, not run: `<!-- readme-test: skip (why) -->`. */
const SKIP = /^<!-- readme-test: skip \((.+)\) -->$/;

interface Block {
  lang: string;
  code: string;
  skip?: string;
}

function blocks(markdown: string): Block[] {
  const out: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.indexOf('```', i + 1);
    const before =
      lines
        .slice(0, i)
        .reverse()
        .find((l) => l.trim() !== '') ?? '';
    out.push({ lang: open[1]!, code: lines.slice(i + 1, end).join('\n'), skip: SKIP.exec(before)?.[1] });
    i = end;
  }
  return out;
}

/**
 * How the blocks run: in a fresh folder holding a copy of fixtures/ and of the minimal artifact
 * folder as model/, one bash per block, in README order (later blocks use what earlier ones made).
 * `fnnx-kit` and `npx fnnx-kit` are the built bin of this checkout, and `npm ci` has been done.
 */
const PRELUDE = `set -euo pipefail
fnnx-kit() { node ${JSON.stringify(BIN)} "$@"; }
npx() { if [ "$1" = fnnx-kit ]; then shift; fnnx-kit "$@"; else command npx "$@"; fi; }
npm() { if [ "$1" = ci ]; then return 0; fi; command npm "$@"; }
`;

const shBlocks = blocks(README).filter((b) => b.lang === 'sh');

describe('README', () => {
  it('starts with the task: its first section holds exactly two commands, the fixture run and the test suite', () => {
    const first = README.slice(README.indexOf('\n## '), README.indexOf('\n## ', README.indexOf('\n## ') + 1));
    const commands = blocks(first).flatMap((b) => b.code.split('\n').filter((l) => l.trim() && !l.startsWith('#')));
    expect(commands).toEqual(['npm ci && npx fnnx-kit inspect fixtures/corpus/onnx_pipeline.fnnx.tar', 'npm ci && npm test']);
  });

  it('marks only a few blocks as illustrations, each with its reason', () => {
    const skipped = shBlocks.filter((b) => b.skip !== undefined);
    expect(skipped.length).toBeLessThanOrEqual(3);
    for (const b of skipped) expect(b.skip!.length).toBeGreaterThan(5);
    expect(shBlocks.length - skipped.length).toBeGreaterThanOrEqual(4);
  });

  it('every other sh block runs as written on the bundled fixtures', () => {
    const dir = tempDir();
    cpSync(FIXTURES, join(dir, 'fixtures'), { recursive: true });
    cpSync(join(FIXTURES, 'minimal/model'), join(dir, 'model'), { recursive: true });
    for (const b of shBlocks.filter((x) => x.skip === undefined)) {
      const r = spawnSync('bash', ['-c', PRELUDE + b.code], { cwd: dir, encoding: 'utf8' });
      expect(r.status, `${b.code}\n--- stderr:\n${r.stderr}`).toBe(0);
    }
    // The workflow's result is what the README says: sound, with the metrics the registry shows.
    const descriptor = JSON.parse(readFileSync(join(dir, 'descriptor.json'), 'utf8')) as { metrics: unknown; file_name: string };
    expect(descriptor.file_name).toBe('model.fnnx');
    expect(descriptor.metrics).toEqual({ auc: 0.91, accuracy: 0.87 });
  });

  it('the manifest.json it shows is the bundled minimal artifact folder’s', () => {
    const shown = blocks(README).find((b) => b.lang === 'json' && b.code.includes('"variant"'));
    expect(JSON.parse(shown!.code)).toEqual(JSON.parse(readFileSync(join(FIXTURES, 'minimal/model/manifest.json'), 'utf8')));
  });

  it('says that the Node entry’s types need @types/node, and the Node versions and module format', () => {
    expect(README).toMatch(/types[^.]*need `@types\/node`/);
    expect(README).toContain('Node.js ≥ 20.19');
    expect(README).toContain('ESM only');
  });
});
