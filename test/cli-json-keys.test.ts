/**
 * Every command's `--json` names its keys in the registry's style, snake_case (as `file_hash`,
 * `file_index`): a script reading one command's output can read another's. Keys inside the
 * artifact's own data (its manifest, file_index paths, metric names, payloads, a diff's before and
 * after values) are data, not our names, and are not checked.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRangeServer, type RangeServer } from './helpers/range-server.js';
import { runCliAsync } from './helpers/run-cli-async.js';
import { CORPUS_TAR, tempDir } from './helpers/paths.js';
import { snakeCase, snakeCaseKeys } from '../src/cli/render/json-keys.js';

/** Subtrees holding the artifact's data (or a value it holds) rather than keys fnnx-kit chose. */
const DATA = new Set([
  'file_index',
  'manifest',
  'metrics',
  'payload',
  'before',
  'after',
  'variant_config',
  'env',
  'dtypes',
  'ops',
  'params',
]);

function ourKeys(value: unknown, path = '$', found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v, i) => ourKeys(v, `${path}[${i}]`, found));
  else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      found.push(`${path}.${key}`);
      if (!DATA.has(key)) ourKeys(v, `${path}.${key}`, found);
    }
  }
  return found;
}

const notSnake = (doc: unknown) => ourKeys(doc).filter((p) => !/^[a-z0-9_]+$/.test(p.slice(p.lastIndexOf('.') + 1)));

let dir: string;
let server: RangeServer;
beforeAll(async () => {
  dir = tempDir('fnnx-json-keys-');
  copyFileSync(CORPUS_TAR, join(dir, 'a.fnnx'));
  copyFileSync(CORPUS_TAR, join(dir, 'b.fnnx'));
  mkdirSync(join(dir, 'folder'));
  execFileSync('tar', ['-xf', CORPUS_TAR, '-C', join(dir, 'folder')]);
  writeFileSync(
    join(dir, 'entry.json'),
    JSON.stringify({ id: 'e1', producer: 'p', producer_version: '1', producer_tags: [], payload: { someKey: 1 } }),
  );
  server = await startRangeServer(dir);
});
afterAll(() => server.close());

describe('--json keys are snake_case', () => {
  const sha = () => createHash('sha256').update(readFileSync(CORPUS_TAR)).digest('hex');
  // [name, arguments, exit status]: the corpus has findings, so validate exits 1.
  const cases: Array<[string, () => string[], number]> = [
    ['inspect', () => ['inspect', '--json', join(dir, 'a.fnnx')], 0],
    ['describe', () => ['describe', join(dir, 'a.fnnx')], 0],
    ['validate --for-upload', () => ['validate', '--json', '--for-upload', join(dir, 'a.fnnx')], 1],
    ['validate of two files', () => ['validate', '--json', join(dir, 'a.fnnx'), join(dir, 'b.fnnx')], 1],
    ['verify', () => ['verify', '--json', join(dir, 'a.fnnx'), '--sha256', sha()], 0],
    ['an error', () => ['verify', '--json', join(dir, 'a.fnnx')], 2],
    ['diff', () => ['diff', '--json', join(dir, 'a.fnnx'), server.url('b.fnnx')], 0],
    ['extract', () => ['extract', '--json', join(dir, 'a.fnnx'), '-C', join(dir, 'out')], 0],
    ['pack', () => ['pack', '--json', '--no-check', join(dir, 'folder'), '-o', join(dir, 'packed.fnnx')], 0],
    ['append-meta', () => ['append-meta', '--json', join(dir, 'b.fnnx'), '--entry', join(dir, 'entry.json')], 0],
    ['download', () => ['download', '--json', server.url('a.fnnx'), '-o', join(dir, 'got.fnnx'), '--sha256', sha()], 0],
  ];
  it.each(cases)('%s', async (_name, args, status) => {
    const r = await runCliAsync(args());
    expect(r.code, r.stderr).toBe(status);
    const doc: unknown = JSON.parse(r.stdout);
    expect(ourKeys(doc).length).toBeGreaterThan(0);
    expect(notSnake(doc)).toEqual([]);
  });

  it('the renames: a camelCase result key becomes snake_case, its value untouched', () => {
    expect(snakeCase('partsSent')).toBe('parts_sent');
    expect(snakeCaseKeys({ resumedFrom: 5, appendedAt: 1, members: ['metaCase.json'] })).toEqual({
      resumed_from: 5,
      appended_at: 1,
      members: ['metaCase.json'],
    });
  });

  it('the checker itself finds a camelCase key of ours, but not one inside the data', () => {
    expect(notSnake({ partsSent: 1, metrics: { myAcc: 1 } })).toEqual(['$.partsSent']);
  });
});
