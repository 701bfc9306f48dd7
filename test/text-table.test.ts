/**
 * Text tables cap a cell's width: every cell of a column is padded to the widest, so one metric
 * named with 3 M characters made `inspect` print 303 MB (and 6 M ended in "Invalid string
 * length"). `--json` keeps the whole name.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CELL_MAX, clip, table } from '../src/cli/render/table.js';
import { soundTar } from './helpers/hostile-corpus.js';
import { file } from './helpers/hostile-tar.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/paths.js';

describe('clip', () => {
  it('leaves a cell of CELL_MAX characters whole, and cuts a longer one to CELL_MAX ending in …', () => {
    expect(clip('a'.repeat(CELL_MAX))).toBe('a'.repeat(CELL_MAX));
    expect(clip('a'.repeat(CELL_MAX + 1))).toBe(`${'a'.repeat(CELL_MAX - 1)}…`);
  });

  it('counts the escaped width: control characters widen to escapes, and the cut keeps them escaped', () => {
    const out = clip('\u001b'.repeat(100));
    expect(out).toHaveLength(CELL_MAX);
    expect(out.endsWith('…')).toBe(true);
    expect(out).not.toMatch(/[\u0000-\u001f]/);
  });

  it('never ends on half of a surrogate pair', () => {
    const out = clip(`${'a'.repeat(CELL_MAX - 2)}😀😀`);
    expect(out).toBe(`${'a'.repeat(CELL_MAX - 2)}…`);
  });

  it('a table pads columns to the clipped width, not to the longest name', () => {
    const text = table(
      ['metric', 'value'],
      [
        ['m'.repeat(100_000), '1'],
        ['short', '2'],
      ],
    );
    for (const l of text.split('\n')) expect(l.length).toBeLessThan(CELL_MAX + 20);
  });
});

describe('inspect on one metric named with 3 M characters', () => {
  const name = 'm'.repeat(3_000_000);
  const dir = tempDir('fnnx-table-');
  const artifact = join(dir, 'metric.fnnx');
  const entry = {
    id: 'r',
    producer: 'p',
    producer_version: '1',
    producer_tags: ['dataforce.studio::registry_metrics:v1'],
    payload: { metrics: { [name]: 1 } },
  };
  writeFileSync(artifact, soundTar([file('meta-00000000000000000000000000000001.json', JSON.stringify([entry]))]));

  it('prints a short summary with the name cut at CELL_MAX and ending in …', () => {
    const r = runCli(['inspect', artifact]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.length).toBeLessThan(16 * 1024);
    expect(r.stdout).toContain(`${'m'.repeat(CELL_MAX - 1)}…`);
  });

  it('--json keeps the whole name', () => {
    const r = runCli(['inspect', artifact, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(Object.keys((JSON.parse(r.stdout) as { metrics: Record<string, number> }).metrics)).toEqual([name]);
  });
});
