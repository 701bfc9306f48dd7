import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';
import { CORPUS_TAR, tempDir } from './helpers/paths.js';
import { findings, soundPipeline, validateMembers, writeDirArtifact } from './helpers/validate-artifact.js';

// JSON text with the escape written out: JSON.stringify of a lone surrogate also escapes it.
const LONE = '"\\ud800"';
const entryText = (idJson: string) =>
  `{"id": ${idJson}, "producer": "t", "producer_version": "1", "producer_tags": ["t::x:v1"], "payload": {}}`;

describe('strings the registry cannot encode (lone UTF-16 surrogates)', () => {
  it("Python's json.loads accepts the escape, and encoding the result to UTF-8 then fails (the registry's fault this rule prevents)", () => {
    const script =
      'import json,sys\ns = json.loads(sys.argv[1])\ntry:\n  s.encode("utf-8")\n  print("encoded")\nexcept UnicodeEncodeError:\n  print("cannot encode")';
    expect(execFileSync('python3', ['-c', script, LONE], { encoding: 'utf8' }).trim()).toBe('cannot encode');
    // A well-formed pair escaped the same way is fine: the rule must not flag it.
    expect(execFileSync('python3', ['-c', script, '"\\ud83d\\ude00"'], { encoding: 'utf8' }).trim()).toBe('encoded');
  });

  it('validate reports JSON_LONE_SURROGATE (error) with the member and the pointer, in values and in keys', async () => {
    const m = soundPipeline();
    const manifest = JSON.stringify(m['manifest.json']).replace('"producer_name":"tests"', `"producer_name":${LONE}`);
    const meta = `[${entryText('"ok"').replace('"payload": {}', '"payload": {"k\\udfff": 1}')}]`;
    const sidecar = `[${entryText('"a\\ud83d\\ude00b"')}]`;
    const r = await validateMembers({ ...m, 'manifest.json': manifest, 'meta.json': meta, 'meta-0000.json': sidecar });
    expect(findings(r, 'error')).toEqual([
      'JSON_LONE_SURROGATE manifest.json /producer_name',
      'JSON_LONE_SURROGATE meta.json /0/payload/k\udfff',
    ]);
    expect(r.valid).toBe(false);
    const dir = writeDirArtifact({ ...m, 'env.json': `{"x": {"y": [${LONE}, ${LONE}]}}` });
    const cli = runCli(['validate', dir, '--json']);
    expect(cli.code).toBe(1);
    const d = (
      JSON.parse(cli.stdout) as { diagnostics: Array<{ code: string; member: string; pointer: string; message: string }> }
    ).diagnostics.find((x) => x.code === 'JSON_LONE_SURROGATE');
    expect(d).toMatchObject({ member: 'env.json', pointer: '/x/y/0' });
    expect(d!.message).toMatch(/and 1 more/);
  });

  it('pack refuses a folder whose meta.json holds one, naming that file (exit 1, no output)', () => {
    const src = writeDirArtifact({ ...soundPipeline(), 'meta.json': `[${entryText(LONE)}]` });
    const out = join(tempDir(), 'out.fnnx');
    const r = runCli(['pack', src, '-o', out, '-q']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`fnnx-kit: ${join(src, 'meta.json')}:`);
    expect(r.stderr).toMatch(/\(at \/0\/id\).*\(JSON_LONE_SURROGATE\)/);
    expect(existsSync(out)).toBe(false);
  });

  it('append-meta refuses an entry holding one before writing (exit 1, the artifact unchanged)', () => {
    const dir = tempDir();
    const path = join(dir, 'model.fnnx');
    copyFileSync(CORPUS_TAR, path);
    writeFileSync(join(dir, 'entry.json'), entryText(LONE));
    const r = runCli(['append-meta', path, '--entry', join(dir, 'entry.json')]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/\(JSON_LONE_SURROGATE\)/);
    expect(r.stderr).toContain(`fnnx-kit: ${join(dir, 'entry.json')}:`);
    expect(readFileSync(path).equals(readFileSync(CORPUS_TAR))).toBe(true);
  });

  it('patch-manifest refuses a patch holding one before writing (exit 1, the artifact unchanged)', () => {
    const dir = tempDir();
    const path = join(dir, 'model.fnnx');
    copyFileSync(CORPUS_TAR, path);
    writeFileSync(join(dir, 'p.json'), `[{"op": "replace", "path": "/producer_version", "value": ${LONE}}]`);
    const r = runCli(['patch-manifest', path, '--patch', join(dir, 'p.json')]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/\(JSON_LONE_SURROGATE\)/);
    expect(readFileSync(path).equals(readFileSync(CORPUS_TAR))).toBe(true);
  });
});
