import { describe, expect, it } from 'vitest';
import { closeSync, copyFileSync, existsSync, ftruncateSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CountingSource, FileSource } from '../src/index.js';
import type { ArtifactInput } from '../src/build/builder.js';
import { refuseInvalidPack } from '../src/node/pack-dir.js';
import { runCli } from './helpers/cli.js';
import { hugeModelPieces, modelSpec, writePieces } from './helpers/onnx-model.mjs';
import { CORPUS_TAR, TESTOP_DIR, tempDir } from './helpers/paths.js';
import { bytesOf, soundPipeline, writeDirArtifact } from './helpers/validate-artifact.js';

const entry = (id: string) => ({ id, producer: 'tests', producer_version: '1', producer_tags: ['tests::report:v1'], payload: {} });

function corpusCopy(): { dir: string; path: string } {
  const dir = tempDir();
  const path = join(dir, 'model.fnnx');
  copyFileSync(CORPUS_TAR, path);
  return { dir, path };
}

describe('pack checks the artifact it would write, before writing it', () => {
  it('refuses a folder with no variant_config.json (exit 1, no output), naming the folder, and --no-check packs it with a warning', () => {
    const src = writeDirArtifact(soundPipeline());
    rmSync(join(src, 'variant_config.json'));
    const out = join(tempDir(), 'out.fnnx');
    const r = runCli(['pack', src, '-o', out, '-q']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`fnnx-kit: ${join(src, 'variant_config.json')}:`);
    expect(r.stderr).toMatch(/\(PIPELINE_CONFIG_SCHEMA\)/);
    expect(r.stderr).toMatch(new RegExp(`hint: ${src.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} has no variant_config\\.json`));
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(join(out, '..'))).toEqual([]);
    const skipped = runCli(['pack', src, '-o', out, '-q', '--no-check']);
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stderr).toMatch(/warning: --no-check/);
    expect(runCli(['validate', out]).code).toBe(1);
  });

  it('refuses a model whose declarations disagree with ops.json, naming the file in the folder the user gave', () => {
    const m = soundPipeline();
    const src = writeDirArtifact({
      ...m,
      'ops.json': [
        {
          ...(m['ops.json'] as object[])[0],
          attributes: { opsets: [{ domain: 'ai.onnx', version: 17 }], has_external_data: false, onnx_ir_version: 9 },
        },
      ],
    });
    const out = join(tempDir(), 'out.fnnx');
    const r = runCli(['pack', src, '-o', out, '-q']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`fnnx-kit: ${join(src, 'ops.json')}:`);
    expect(r.stderr).toMatch(/ONNX_IR_VERSION_MISMATCH/);
    expect(existsSync(out)).toBe(false);
  });

  it('packs a sound folder as before', () => {
    const out = join(tempDir(), 'out.fnnx');
    expect(runCli(['pack', TESTOP_DIR, '-o', out, '-q']).code).toBe(0);
    expect(runCli(['validate', out]).code).toBe(0);
  });

  it('reads a large model only by range (its header), never streams it whole', async () => {
    const m = soundPipeline();
    const path = join(tempDir(), 'model.onnx');
    const { pieces, size } = hugeModelPieces(modelSpec(), 1, 64 * 2 ** 20);
    const fd = openSync(path, 'w');
    writePieces(fd, 0, pieces);
    ftruncateSync(fd, size);
    closeSync(fd);
    let counting: CountingSource | undefined;
    let streamed = false;
    const input: ArtifactInput = {
      manifest: bytesOf(m['manifest.json']),
      ops: bytesOf(m['ops.json']),
      variantConfig: bytesOf(m['variant_config.json']),
      files: [
        {
          name: 'ops_artifacts/reg/model.onnx',
          body: {
            size,
            open: () => {
              streamed = true;
              return (async function* () {})();
            },
            openRange: async () => (counting = new CountingSource(await FileSource.open(path))),
          },
        },
      ],
    };
    await refuseInvalidPack(input, 'folder');
    expect(streamed).toBe(false);
    expect(counting!.bytes).toBeLessThan(2 ** 20);
  });
});

describe('appends check the artifact they would leave, before writing', () => {
  it('append-meta refuses a second entry with an id that owns a meta_artifacts/ folder (META_ID_DUPLICATE), naming the --entry file', () => {
    const { dir, path } = corpusCopy();
    writeFileSync(join(dir, 'entry.json'), JSON.stringify(entry('report')));
    writeFileSync(join(dir, 'r.html'), '<p>r</p>');
    expect(runCli(['append-meta', path, '--entry', join(dir, 'entry.json'), '--attach', `r.html=${join(dir, 'r.html')}`]).code).toBe(0);
    const before = readFileSync(path);
    const r = runCli(['append-meta', path, '--entry', join(dir, 'entry.json')]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/\(META_ID_DUPLICATE\)/);
    expect(r.stderr).toContain(`fnnx-kit: ${join(dir, 'entry.json')}:`);
    expect(r.stderr).toContain(`hint: fix the --entry file ${join(dir, 'entry.json')}`);
    expect(r.stderr.split('\n')[0]).not.toMatch(/fnnx-kit: meta-/);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  for (const id of ['', 'a/b']) {
    it(`append-meta refuses an entry with the unsafe id ${JSON.stringify(id)} (META_ID_UNSAFE), tar and folder alike`, () => {
      const { dir, path } = corpusCopy();
      writeFileSync(join(dir, 'entry.json'), JSON.stringify(entry(id)));
      const before = readFileSync(path);
      const r = runCli(['append-meta', path, '--entry', join(dir, 'entry.json')]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/\(META_ID_UNSAFE\)/);
      expect(readFileSync(path).equals(before)).toBe(true);
      const folder = writeDirArtifact(soundPipeline());
      const listed = readdirSync(folder).sort();
      expect(runCli(['append-meta', folder, '--entry', join(dir, 'entry.json')]).code).toBe(1);
      expect(readdirSync(folder).sort()).toEqual(listed);
    });
  }

  it('an artifact that already breaks rules (the corpus) still takes a sound append', () => {
    const { dir, path } = corpusCopy();
    writeFileSync(join(dir, 'entry.json'), JSON.stringify(entry('fine')));
    expect(runCli(['append-meta', path, '--entry', join(dir, 'entry.json')]).code).toBe(0);
  });
});
