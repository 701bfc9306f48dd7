import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { assertUploadable, NotUploadableError, validateTarget } from '../src/node/validate.js';
import type { ValidationReport } from '../src/validate/validate.js';
import { runCli } from './helpers/cli.js';
import { CORPUS_DIR, CORPUS_TAR, TESTOP_DIR, tempDir } from './helpers/paths.js';
import { encodeModel, modelSpec } from './helpers/onnx-model.mjs';
import { soundPipeline, tarOf, writeDirArtifact } from './helpers/validate-artifact.js';

const json = (args: string[]) => {
  const r = runCli(['validate', '--json', ...args]);
  if (!r.stdout) throw new Error(`validate ${args.join(' ')} printed nothing (exit ${r.code}): ${r.stderr}`);
  return { code: r.code, report: JSON.parse(r.stdout) as ValidationReport, stderr: r.stderr };
};

async function soundTar(name = 'model.fnnx'): Promise<string> {
  const path = join(tempDir(), name);
  writeFileSync(path, await tarOf(soundPipeline()));
  return path;
}

describe('fnnx-kit validate on the reference corpus', () => {
  it("says the corpus tar's ops.json disagrees with its ONNX models (ir_version and opsets), and exits 1", () => {
    const { code, report } = json([CORPUS_TAR]);
    expect(code).toBe(1);
    expect(report.valid).toBe(false);
    const onnx = report.diagnostics.filter((d) => d.code.startsWith('ONNX_'));
    expect(new Set(onnx.map((d) => d.pointer.split('/')[1]))).toEqual(new Set(['0', '1', '2', '3']));
    expect(onnx.filter((d) => d.code === 'ONNX_IR_VERSION_MISMATCH')).toHaveLength(4);
    expect(onnx.find((d) => d.code === 'ONNX_IR_VERSION_MISMATCH')!.message).toContain(
      "declares onnx_ir_version 7, but the model's ir_version is 10",
    );
    expect(onnx.some((d) => d.code === 'ONNX_OPSET_MISMATCH' && d.message.includes('ai.onnx.ml'))).toBe(true);
    expect(report.diagnostics).toContainEqual({
      code: 'ROOT_FILE_TYPE',
      severity: 'error',
      message: 'must hold a JSON array',
      member: 'meta.json',
      pointer: '',
    });
    expect(report.diagnostics.find((d) => d.code === 'PIPELINE_VARIANT_ARTIFACTS')).toMatchObject({
      severity: 'warning',
      member: 'variant_artifacts/,keep',
    });
  });

  it('finds the same problems in the directory form as in the tar (the tar adds only the member-order note)', () => {
    const key = (r: ValidationReport) =>
      r.diagnostics.filter((d) => d.code !== 'MANIFEST_NOT_FIRST').map((d) => `${d.code} ${d.member} ${d.pointer}`);
    expect(key(json([CORPUS_DIR]).report)).toEqual(key(json([CORPUS_TAR]).report));
  });

  it('reads the TestOp artifact as sound with warnings (unsupported op, draft-04 custom dtype accepted), broken under --strict', () => {
    const plain = json([TESTOP_DIR]);
    expect(plain.code).toBe(0);
    expect(plain.report.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(plain.report.diagnostics.find((d) => d.code === 'OP_UNSUPPORTED')).toMatchObject({
      severity: 'warning',
      member: 'ops.json',
      pointer: '/0/op',
    });
    expect(plain.report.diagnostics.some((d) => d.member === 'dtypes.json')).toBe(false);
    const strict = json(['--strict', TESTOP_DIR]);
    expect(strict.code).toBe(1);
    expect(strict.report.strict).toBe(true);
    expect(strict.report.diagnostics.find((d) => d.code === 'OP_UNSUPPORTED')!.severity).toBe('error');
  });

  it('validates from a known file_index without walking (--index)', () => {
    const index = join(tempDir(), 'index.json');
    writeFileSync(index, runCli(['index', CORPUS_TAR]).stdout);
    const { code, report } = json(['--index', index, CORPUS_TAR]);
    expect(code).toBe(1);
    expect(report.diagnostics.filter((d) => d.code === 'ONNX_IR_VERSION_MISMATCH')).toHaveLength(4);
  });
});

describe('fnnx-kit validate: output and exit codes', () => {
  it('prints a first line saying sound with counts, and exits 0, for a sound artifact', async () => {
    const r = runCli(['validate', await soundTar()]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/: sound \(0 errors, 0 warnings, 0 notes\)$/);
  });

  it('groups the human report by member, one finding per line with its code and pointer', () => {
    const r = runCli(['validate', CORPUS_TAR]);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/: broken \(12 errors, 1 warning, 1 note\)$/);
    const ops = lines.indexOf('  ops.json');
    expect(ops).toBeGreaterThan(0);
    expect(lines[ops + 1]).toMatch(/^ {4}error {3}ONNX_IR_VERSION_MISMATCH \/0\/attributes\/onnx_ir_version: /);
  });

  it('exits 2 when the artifact cannot be read, and for a bad --max-size', () => {
    expect(runCli(['validate', join(tempDir(), 'missing.fnnx')]).code).toBe(2);
    const r = runCli(['validate', '--for-upload', '--max-size', 'lots', CORPUS_TAR]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('BAD_OPTION');
  });

  it('checks ONNX models in the directory form too, reading each model file by range', async () => {
    const dir = writeDirArtifact({ ...soundPipeline(), 'ops_artifacts/reg/model.onnx': encodeModel(modelSpec({ irVersion: 11 })) });
    const { code, report } = json([dir]);
    expect(code).toBe(1);
    expect(report.diagnostics.map((d) => d.code)).toEqual(['ONNX_IR_VERSION_MISMATCH']);
  });
});

describe('fnnx-kit validate --for-upload', () => {
  it('accepts a sound .fnnx, .pyfnx, .dfs and .luml tar', async () => {
    for (const ext of ['fnnx', 'pyfnx', 'dfs', 'luml'])
      expect(runCli(['validate', '--for-upload', await soundTar(`m.${ext}`)]).code).toBe(0);
  });

  it('UPLOAD_EXTENSION for a name the registry does not take', async () => {
    const { code, report } = json(['--for-upload', await soundTar('model.tar.gz')]);
    expect(code).toBe(1);
    expect(report.diagnostics.map((d) => d.code)).toEqual(['UPLOAD_EXTENSION']);
  });

  it('UPLOAD_TOO_LARGE over --max-size', async () => {
    const { report } = json(['--for-upload', '--max-size', '1024', await soundTar()]);
    expect(report.diagnostics.map((d) => d.code)).toEqual(['UPLOAD_TOO_LARGE']);
  });

  it('UPLOAD_NOT_TAR for a directory and for a gzip-compressed tar', async () => {
    expect(json(['--for-upload', writeDirArtifact(soundPipeline())]).report.diagnostics.map((d) => d.code)).toEqual(['UPLOAD_NOT_TAR']);
    const gz = join(tempDir(), 'model.fnnx');
    writeFileSync(gz, gzipSync(await tarOf(soundPipeline())));
    expect(json(['--for-upload', gz]).report.diagnostics.map((d) => d.code)).toEqual(['COMPRESSED', 'UPLOAD_NOT_TAR']);
  });
});

describe('assertUploadable', () => {
  it('resolves with the report for a sound, uploadable artifact', async () => {
    expect((await assertUploadable(await soundTar())).valid).toBe(true);
  });

  // The registry now takes .tar: the corpus under an extension it refuses.
  const corpusAsZip = () => {
    const path = join(tempDir(), 'onnx_pipeline.zip');
    copyFileSync(CORPUS_TAR, path);
    return path;
  };

  it('throws one NotUploadableError listing every problem', async () => {
    const err = await assertUploadable(corpusAsZip(), { maxSize: 1000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotUploadableError);
    const e = err as NotUploadableError;
    expect(e.code).toBe('NOT_UPLOADABLE');
    expect(e.kind).toBe('artifact');
    for (const code of ['UPLOAD_EXTENSION', 'UPLOAD_TOO_LARGE', 'ONNX_IR_VERSION_MISMATCH', 'ROOT_FILE_TYPE'])
      expect(e.message).toContain(code);
    expect(e.diagnostics.filter((d) => d.severity === 'error').length).toBe(14);
  });

  it('is what validateTarget reports with forUpload', async () => {
    const r = await validateTarget(corpusAsZip(), { forUpload: true });
    expect(r.diagnostics.map((d) => d.code)).toContain('UPLOAD_EXTENSION');
    expect((await validateTarget(CORPUS_TAR, { forUpload: true })).diagnostics.map((d) => d.code)).not.toContain('UPLOAD_EXTENSION');
  });
});
