import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { CORPUS_DIR, CORPUS_TAR, tempDir } from './helpers/paths.js';
import { pythonFileIndex } from './helpers/python.js';
import { sha256File } from './helpers/build-fixtures.js';
import { DOUBLE, FLOAT, FLOAT16, encodeModel, modelSpec, type ModelSpec } from './helpers/onnx-model.mjs';

function writeModel(dir: string, name: string, spec: ModelSpec): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, encodeModel(spec));
  return path;
}

const scalerSpec = modelSpec({
  inputs: [{ name: 'x', elemType: FLOAT, shape: ['batch', 3] }],
  outputs: [{ name: 'xs', elemType: FLOAT, shape: ['batch', 3] }],
  nodes: [{ opType: 'Mul' }],
});

/** Packs twice (same bytes both times) and validates strictly; returns the artifact path. */
function packAndValidate(dir: string): string {
  const a = join(dir, '..', 'a.fnnx');
  const b = join(dir, '..', 'b.fnnx');
  expect(runCli(['pack', dir, '-o', a, '-q']).code).toBe(0);
  expect(runCli(['pack', dir, '-o', b, '-q']).code).toBe(0);
  expect(sha256File(a)).toBe(sha256File(b));
  const v = runCli(['validate', '--for-upload', '--strict', a]);
  expect(v.stdout).toContain('sound (0 errors, 0 warnings, 0 notes)');
  expect(v.code).toBe(0);
  return a;
}

describe('fnnx-kit new --onnx', () => {
  it("writes the issue's example: the six root files and the model, which pack twice to the same bytes and validate --strict with no warning", () => {
    const work = tempDir();
    const modelPath = writeModel(work, 'model.onnx', modelSpec());
    const out = join(work, 'my_model');
    const r = runCli([
      'new',
      out,
      '--onnx',
      modelPath,
      '--name',
      'churn',
      '--version',
      '1.2.0',
      '--producer',
      'acme-train:0.3',
      '--producer-tag',
      'acme::churn:v1',
      '--description',
      'churn model',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('op model  <- ');
    expect(readdirSync(out).sort()).toEqual([
      'dtypes.json',
      'env.json',
      'manifest.json',
      'meta.json',
      'ops.json',
      'ops_artifacts',
      'variant_config.json',
    ]);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))).toMatchObject({
      name: 'churn',
      version: '1.2.0',
      producer_name: 'acme-train',
      producer_version: '0.3',
      producer_tags: ['acme::churn:v1'],
    });
    expect(readFileSync(join(out, 'dtypes.json'), 'utf8')).toBe('{}\n');
    expect(readFileSync(join(out, 'meta.json'), 'utf8')).toBe('[]\n');
    const artifact = packAndValidate(out);
    // Python's tarfile finds the model at the path the spec fixes, byte for byte.
    const [offset, size] = pythonFileIndex(artifact)['ops_artifacts/model/model.onnx']!;
    expect(Buffer.from(readFileSync(artifact).subarray(offset, offset + size)).equals(readFileSync(modelPath))).toBe(true);
  });

  it('defaults the producer to fnnx-kit and its own version', () => {
    const work = tempDir();
    const out = join(work, 'm');
    expect(runCli(['new', out, '--onnx', writeModel(work, 'm.onnx', modelSpec())]).code).toBe(0);
    const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))).toMatchObject({
      producer_name: 'fnnx-kit',
      producer_version: version,
      producer_tags: [],
    });
  });

  it('chains --onnx models in order, renames the IO, and reports what it wrote with --json', () => {
    const work = tempDir();
    const out = join(work, 'chain');
    const r = runCli([
      'new',
      out,
      '--onnx',
      writeModel(work, 'scaler.onnx', scalerSpec),
      '--onnx',
      writeModel(work, 'model.onnx', modelSpec()),
      '--input-name',
      'x=features',
      '--output-name',
      'y=score',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as {
      ops: Array<{ id: string }>;
      inputs: string[];
      outputs: string[];
      files: Array<{ path: string; size: number }>;
    };
    expect(report.ops.map((o) => o.id)).toEqual(['scaler', 'model']);
    expect(report).toMatchObject({ directory: out, inputs: ['features'], outputs: ['score'] });
    expect(report.files.map((f) => f.path)).toEqual([
      'manifest.json',
      'ops.json',
      'variant_config.json',
      'dtypes.json',
      'env.json',
      'meta.json',
      'ops_artifacts/model/model.onnx',
      'ops_artifacts/scaler/model.onnx',
    ]);
    expect(JSON.parse(readFileSync(join(out, 'variant_config.json'), 'utf8'))).toEqual({
      nodes: [
        { op_instance_id: 'scaler', inputs: ['features'], outputs: ['xs'], extra_dynattrs: {} },
        { op_instance_id: 'model', inputs: ['xs'], outputs: ['score'], extra_dynattrs: {} },
      ],
    });
    packAndValidate(out);
  });

  it('refuses a chain whose element types differ (exit 2), writing nothing', () => {
    const work = tempDir();
    const out = join(work, 'chain');
    const f64 = modelSpec({ inputs: [{ name: 'x', elemType: DOUBLE, shape: ['batch', 3] }] });
    const r = runCli(['new', out, '--onnx', writeModel(work, 'scaler.onnx', scalerSpec), '--onnx', writeModel(work, 'model.onnx', f64)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the element types differ (CHAIN_DTYPE_MISMATCH)');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(work).sort()).toEqual(['model.onnx', 'scaler.onnx']);
  });

  it('refuses an element type FNNX has no dtype for, by name (exit 1), writing nothing', () => {
    const work = tempDir();
    const out = join(work, 'half');
    const r = runCli([
      'new',
      out,
      '--onnx',
      writeModel(work, 'model.onnx', modelSpec({ inputs: [{ name: 'x', elemType: FLOAT16, shape: ['batch', 3] }] })),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("input 'x' has element type FLOAT16, which FNNX has no dtype for (ONNX_ELEMENT_UNSUPPORTED)");
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a non-empty directory without --force, untouched; --force replaces root files and ops_artifacts/ and keeps the rest', () => {
    const work = tempDir();
    const out = join(work, 'm');
    mkdirSync(join(out, 'ops_artifacts', 'stale'), { recursive: true });
    writeFileSync(join(out, 'ops_artifacts', 'stale', 'model.onnx'), 'old');
    writeFileSync(join(out, 'notes.txt'), 'mine');
    const model = writeModel(work, 'reg.onnx', modelSpec());
    const refused = runCli(['new', out, '--onnx', model]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('is not empty; nothing was written (DIR_NOT_EMPTY)');
    expect(refused.stderr).toContain('--force');
    expect(readdirSync(out).sort()).toEqual(['notes.txt', 'ops_artifacts']);
    const forced = runCli(['new', out, '--onnx', model, '--force']);
    expect(forced.code).toBe(0);
    expect(readdirSync(join(out, 'ops_artifacts'))).toEqual(['reg']);
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('mine');
    expect(readdirSync(work).sort()).toEqual(['m', 'reg.onnx']);
  });

  it('--force can rebuild a directory from the models it already holds', () => {
    const work = tempDir();
    const out = join(work, 'm');
    expect(runCli(['new', out, '--onnx', writeModel(work, 'reg.onnx', modelSpec())]).code).toBe(0);
    const r = runCli(['new', out, '--onnx', join(out, 'ops_artifacts', 'reg', 'model.onnx'), '--force', '--name', 'again']);
    expect(r.stderr).toBe('');
    expect(readFileSync(join(out, 'ops_artifacts', 'model', 'model.onnx'))).toEqual(Buffer.from(encodeModel(modelSpec())));
    expect(readdirSync(join(out, 'ops_artifacts'))).toEqual(['model']);
    packAndValidate(out);
  });

  it('copies external data files from beside the model, and refuses a location outside its folder', () => {
    const work = tempDir();
    const model = writeModel(
      work,
      'big.onnx',
      modelSpec({ initializers: [{ name: 'w', external: { location: 'big.weights', offset: 0, length: 12 } }] }),
    );
    writeFileSync(join(work, 'big.weights'), Buffer.alloc(12, 1));
    const out = join(work, 'm');
    expect(runCli(['new', out, '--onnx', model]).code).toBe(0);
    expect(readFileSync(join(out, 'ops_artifacts', 'big', 'big.weights'))).toEqual(Buffer.alloc(12, 1));
    expect(JSON.parse(readFileSync(join(out, 'ops.json'), 'utf8'))[0].attributes.has_external_data).toBe(true);
    packAndValidate(out);
    const escaping = writeModel(
      join(work, 'sub'),
      'esc.onnx',
      modelSpec({ initializers: [{ name: 'w', external: { location: '../big.weights' } }] }),
    );
    const r = runCli(['new', join(work, 'e'), '--onnx', escaping]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('(ONNX_EXTERNAL_DATA_OUTSIDE)');
  });

  it("rebuilds the corpus's linreg model into an artifact that validates sound, where the corpus itself is broken", () => {
    const work = tempDir();
    expect(runCli(['validate', CORPUS_TAR]).code).toBe(1);
    const out = join(work, 'linreg');
    expect(runCli(['new', out, '--onnx', join(CORPUS_DIR, 'ops_artifacts', 'linreg', 'model.onnx')]).code).toBe(0);
    packAndValidate(out);
  });

  it('shows examples in --help; refuses a --producer without a version and an --input-name without "="', () => {
    const help = runCli(['new', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:');
    expect(help.stdout).toContain('--onnx scaler.onnx --onnx model.onnx');
    const work = tempDir();
    const model = writeModel(work, 'm.onnx', modelSpec());
    const producer = runCli(['new', join(work, 'a'), '--onnx', model, '--producer', 'acme']);
    expect(producer.code).toBe(2);
    expect(producer.stderr).toContain('(BAD_OPTION)');
    expect(runCli(['new', join(work, 'b'), '--onnx', model, '--input-name', 'x']).stderr).toContain('(BAD_OPTION)');
  });

  it('still takes --debug after a subcommand and --version before one (program options end at the subcommand)', () => {
    const r = runCli(['inspect', join(tempDir(), 'nope.fnnx'), '--debug']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('at ');
    expect(runCli(['--version']).stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});
