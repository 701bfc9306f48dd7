import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FINDINGS_PER_CODE } from '../src/validate/diagnostics.js';
import { runCli } from './helpers/cli.js';
import { MINIMAL_DIR, tempDir } from './helpers/paths.js';

/**
 * Issue 25, item 5: extra keys are allowed (readers ignore them), so a typo such as "verison"
 * silently dropped the version. Each unknown key is a note naming the nearest known key, and
 * pack prints the warnings and notes it found, one line each, after writing.
 */
type Finding = { code: string; severity: string; member: string | null; pointer: string; message: string };

function folderWith(edit: (manifest: Record<string, unknown>) => void, meta?: unknown[]): string {
  const dir = join(tempDir('fnnx-keys-'), 'model');
  cpSync(MINIMAL_DIR, dir, { recursive: true });
  const path = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  edit(manifest);
  writeFileSync(path, JSON.stringify(manifest));
  if (meta) writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta));
  return dir;
}

function unknownKeys(target: string, strict = false): { code: number; found: Finding[] } {
  const r = runCli(['validate', target, '--json', ...(strict ? ['--strict'] : [])]);
  const found = (JSON.parse(r.stdout) as { diagnostics: Finding[] }).diagnostics.filter((d) => d.code === 'UNKNOWN_KEY');
  return { code: r.code, found };
}

const renameVersion = (m: Record<string, unknown>) => {
  m.verison = m.version;
  delete m.version;
};

describe('unknown keys', () => {
  it('a typo in the manifest is a note at its pointer naming the nearest key; validate --strict still calls it sound', () => {
    const dir = folderWith(renameVersion);
    const { code, found } = unknownKeys(dir, true);
    expect(code).toBe(0);
    expect(found).toMatchObject([{ severity: 'info', member: 'manifest.json', pointer: '/verison' }]);
    expect(found[0]!.message).toMatch(/unknown key "verison" in the manifest: readers ignore it\. Did you mean version\?/);
  });

  it("an input's and a metadata entry's typos are notes too; a key far from any known one is noted without a guess", () => {
    const dir = folderWith(
      (m) => {
        (m.inputs as Array<Record<string, unknown>>)[0]!.contnet_type = 'JSON';
        m.x_team = 'ml';
      },
      [{ id: 'notes', producer: 't', producer_version: '1', producer_tags: [], payload: {}, payloda: 1 }],
    );
    const byPointer = new Map(unknownKeys(dir).found.map((d) => [`${d.member}${d.pointer}`, d.message]));
    expect(byPointer.get('manifest.json/inputs/0/contnet_type')).toMatch(/Did you mean content_type\?/);
    expect(byPointer.get('manifest.json/x_team')).toMatch(/readers ignore it$/);
    expect(byPointer.get('meta.json/0/payloda')).toMatch(/in a metadata entry: readers ignore it\. Did you mean payload\?/);
  });

  it('ten thousand stray keys cost a capped list and one count, not ten thousand findings', () => {
    const dir = folderWith((m) => {
      for (let i = 0; i < 10_000; i++) m[`k${i}`] = i;
    });
    const { found } = unknownKeys(dir);
    expect(found.length).toBe(FINDINGS_PER_CODE + 1);
    expect(found.at(-1)!.message).toMatch(/10000 in all/);
  });

  it('pack prints the notes and warnings after writing, one line each naming the file in the folder; the report on stdout is unchanged', () => {
    const dir = folderWith(renameVersion);
    const out = join(dir, '..', 'model.fnnx');
    const r = runCli(['pack', dir, '-o', out, '-q']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^wrote .*model\.fnnx: \d+ bytes, 7 members, sha256 [0-9a-f]{64}\n$/);
    expect(r.stderr).toBe(
      `${dir}/manifest.json: info UNKNOWN_KEY /verison: unknown key "verison" in the manifest: readers ignore it. Did you mean version?\n`,
    );
  });
});
