import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { CORPUS_TAR, tempDir } from './helpers/paths.js';

/**
 * Issue 25, item 3: the registry's client (and inspect, describe) take the metrics of the FIRST
 * entry tagged registry_metrics, so appending a second one would change nothing shown: append-meta
 * refuses it before writing, says which entry stays shown and how to change it; --force appends.
 */
const TAG = 'dataforce.studio::registry_metrics:v1';
const metrics = (id: string, auc: number) => ({
  id,
  producer: 'tests',
  producer_version: '1',
  producer_tags: [TAG],
  payload: { metrics: { auc } },
});

function artifactWithMetrics(): { dir: string; path: string; entry: (id: string, auc: number) => string } {
  const dir = tempDir('fnnx-metrics-');
  const path = join(dir, 'model.fnnx');
  copyFileSync(CORPUS_TAR, path);
  const entry = (id: string, auc: number) => {
    const file = join(dir, `${id}.json`);
    writeFileSync(file, JSON.stringify(metrics(id, auc)));
    return file;
  };
  const first = runCli(['append-meta', path, '--entry', entry('metrics', 0.8)]);
  expect(first.code, first.stderr).toBe(0);
  return { dir, path, entry };
}

const shownMetrics = (path: string) => (JSON.parse(runCli(['inspect', path, '--json']).stdout) as { metrics: unknown }).metrics;

describe('append-meta and metrics readers ignore', () => {
  it('the first metrics entry is appended and shown', () => {
    const { path } = artifactWithMetrics();
    expect(shownMetrics(path)).toEqual({ auc: 0.8 });
  });

  it('a second metrics entry is refused before writing (exit 2, META_ENTRY_IGNORED), naming the entry shown and the fix', () => {
    const { path, entry } = artifactWithMetrics();
    const before = readFileSync(path);
    const r = runCli(['append-meta', path, '--entry', entry('metrics-v2', 0.9)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/entry "metrics-v2" would be ignored/);
    expect(r.stderr).toMatch(/"metrics" in meta-[0-9a-f]+\.json/);
    expect(r.stderr).toMatch(/META_ENTRY_IGNORED/);
    expect(r.stderr).toMatch(/edit that entry in meta\.json and pack again; --force/);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('two metrics entries in one --entry file are refused the same way', () => {
    const { dir } = artifactWithMetrics();
    const path = join(dir, 'fresh.fnnx');
    copyFileSync(CORPUS_TAR, path);
    const both = join(dir, 'both.json');
    writeFileSync(both, JSON.stringify([metrics('a', 0.1), metrics('b', 0.2)]));
    const r = runCli(['append-meta', path, '--entry', both]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/entry "b" would be ignored/);
  });

  it('--force appends anyway; inspect still shows the first and marks which entry is shown and which ignored; validate notes it', () => {
    const { path, entry } = artifactWithMetrics();
    const r = runCli(['append-meta', path, '--entry', entry('metrics-v2', 0.9), '--force']);
    expect(r.code, r.stderr).toBe(0);
    expect(shownMetrics(path)).toEqual({ auc: 0.8 });
    const text = runCli(['inspect', path]).stdout;
    expect(text).toMatch(/metrics\s+.*metrics shown/);
    expect(text).toMatch(/metrics-v2\s+.*ignored: an earlier one is shown/);
    // The corpus artifact has findings of its own (the reference writer's); only this rule's are looked at.
    const v = runCli(['validate', path, '--json']);
    const found = (JSON.parse(v.stdout) as { diagnostics: Array<{ code: string; severity: string }> }).diagnostics.filter(
      (d) => d.code === 'META_ENTRY_IGNORED',
    );
    expect(found).toMatchObject([{ severity: 'info' }]);
  });
});
