/**
 * docs/api.md is the public API: every runtime export of both entries has a row there, and every
 * row names something its entry exports. An export added without a row fails here, and so does a
 * row left behind by a removed export.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as node from '../src/index.js';
import * as web from '../src/web/index.js';

const API_MD = readFileSync(join(import.meta.dirname, '..', 'docs', 'api.md'), 'utf8');

/** The names of a section's table rows: the identifier a row's first cell starts with. */
function documented(heading: string): string[] {
  const start = API_MD.indexOf(`\n## ${heading}\n`);
  expect(start, `docs/api.md has a "## ${heading}" section`).toBeGreaterThanOrEqual(0);
  const end = API_MD.indexOf('\n## ', start + 1);
  const section = API_MD.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/^\| `([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]!);
}

const shared = documented('Both entries');
const nodeOnly = documented('Node only (`fnnx-kit`)');
const webOnly = documented('Browser only (`fnnx-kit/web`)');

describe('docs/api.md', () => {
  it.each([
    ['fnnx-kit', node, [...shared, ...nodeOnly]],
    ['fnnx-kit/web', web, [...shared, ...webOnly]],
  ] as const)('documents every runtime export of %s, and nothing it does not export', (_entry, exports, rows) => {
    expect(Object.keys(exports).sort()).toEqual([...new Set(rows)].sort());
  });

  it('has one row per name in each section', () => {
    for (const rows of [shared, nodeOnly, webOnly]) expect(new Set(rows).size).toBe(rows.length);
  });

  it('lists a shared name only in the shared section: both entries export it as one object', () => {
    for (const name of shared) expect((node as Record<string, unknown>)[name], name).toBe((web as Record<string, unknown>)[name]);
    expect(nodeOnly.filter((n) => shared.includes(n))).toEqual([]);
    expect(webOnly.filter((n) => shared.includes(n))).toEqual([]);
  });
});
