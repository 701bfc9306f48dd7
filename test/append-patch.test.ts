import { describe, expect, it } from 'vitest';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, readArtifact } from '../src/index.js';
import { CORPUS_TAR, tempDir } from './helpers/paths.js';
import { runCli } from './helpers/cli.js';
import { gnuTarList } from './helpers/build-fixtures.js';

function setup(patch: unknown): { path: string; patchFile: string; before: Buffer } {
  const dir = tempDir();
  const path = join(dir, 'model.fnnx');
  copyFileSync(CORPUS_TAR, path);
  const patchFile = join(dir, 'fix.json');
  writeFileSync(patchFile, JSON.stringify(patch));
  return { path, patchFile, before: readFileSync(path) };
}

async function effectiveManifest(path: string) {
  const store = await openStore(path);
  try {
    return (await readArtifact(store)).manifest;
  } finally {
    await store.close();
  }
}

describe('patch-manifest', () => {
  it('appends manifest-<32 hex>.patch.json and readers show the patched manifest; earlier bytes untouched', async () => {
    const { path, patchFile, before } = setup([
      { op: 'replace', path: '/producer_version', value: '9.9.9' },
      { op: 'add', path: '/description', value: 'patched' },
    ]);
    const r = runCli(['patch-manifest', path, '--patch', patchFile]);
    expect(r.code, r.stderr).toBe(0);
    expect(gnuTarList(path).filter((n) => /^manifest-[0-9a-f]{32}\.patch\.json$/.test(n))).toHaveLength(1);
    const m = await effectiveManifest(path);
    expect([m.producer_version, m.description]).toEqual(['9.9.9', 'patched']);
    const after = readFileSync(path);
    const firstMemberEnd = 512 * 4;
    expect(after.subarray(0, firstMemberEnd).equals(before.subarray(0, firstMemberEnd))).toBe(true);
  });

  it('a second patch applies on top of the first (appended patches sort in append order)', async () => {
    const { path, patchFile } = setup([{ op: 'replace', path: '/producer_version', value: '2' }]);
    expect(runCli(['patch-manifest', path, '--patch', patchFile]).code).toBe(0);
    writeFileSync(patchFile, JSON.stringify([{ op: 'replace', path: '/producer_version', value: '3' }]));
    expect(runCli(['patch-manifest', path, '--patch', patchFile]).code).toBe(0);
    expect((await effectiveManifest(path)).producer_version).toBe('3');
  });

  for (const op of ['remove', 'move', 'copy', 'test']) {
    it(`refuses a patch with a "${op}" operation before writing anything (exit 1)`, () => {
      const { path, patchFile, before } = setup([{ op, path: '/description', from: '/variant', value: 'x' }]);
      const r = runCli(['patch-manifest', path, '--patch', patchFile]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/PATCH_OP_NOT_ALLOWED/);
      expect(readFileSync(path).equals(before)).toBe(true);
    });
  }

  it('refuses a patch whose result is not a valid manifest, naming what breaks, and writes nothing', () => {
    const { path, patchFile, before } = setup([{ op: 'replace', path: '/inputs', value: 'not an array' }]);
    const r = runCli(['patch-manifest', path, '--patch', patchFile]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/PATCH_RESULT_INVALID/);
    expect(r.stderr).toMatch(/\/inputs/);
    // The refusal names the user's patch file, not the sidecar that was never written.
    expect(r.stderr).toContain(`fnnx-kit: ${patchFile}:`);
    expect(r.stderr).not.toMatch(/manifest-[0-9a-f]{32}\.patch\.json/);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('refuses a patch whose pointer does not resolve, and writes nothing', () => {
    const { path, patchFile, before } = setup([{ op: 'replace', path: '/no/such/key', value: 1 }]);
    const r = runCli(['patch-manifest', path, '--patch', patchFile]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/PATCH_NOT_APPLICABLE/);
    expect(readFileSync(path).equals(before)).toBe(true);
  });
});
