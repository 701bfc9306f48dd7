import { closeSync, copyFileSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CountingSource } from '../src/source/counting-source.js';
import { validateTarget, validateTargetWith } from '../src/node/validate.js';
import type { ValidationReport } from '../src/validate/validate.js';
import { hugeModelPieces, modelSpec, writePieces } from './helpers/onnx-model.mjs';
import { startRangeServer, type RangeServer } from './helpers/range-server.js';
import { runCliAsync } from './helpers/run-cli-async.js';
import { CORPUS_TAR, tempDir } from './helpers/paths.js';
import { ustarHeader } from './helpers/sparse-artifact.js';
import { bytesOf, soundPipeline } from './helpers/validate-artifact.js';

const INITIALIZERS = 64;
const TENSOR = 1 << 20;

/** The sound pipeline, its model replaced by one of INITIALIZERS tensors of TENSOR bytes left as holes. */
function writeBigArtifact(path: string): number {
  const { 'ops_artifacts/reg/model.onnx': _model, ...json } = soundPipeline();
  const fd = openSync(path, 'w');
  try {
    let pos = 0;
    for (const [name, value] of Object.entries(json)) {
      const data = bytesOf(value);
      writeSync(fd, ustarHeader(name, data.length), 0, 512, pos);
      writeSync(fd, data, 0, data.length, pos + 512);
      pos += 512 + Math.ceil(data.length / 512) * 512;
    }
    const { pieces, size } = hugeModelPieces(modelSpec(), INITIALIZERS, TENSOR);
    writeSync(fd, ustarHeader('ops_artifacts/reg/model.onnx', size), 0, 512, pos);
    writePieces(fd, pos + 512, pieces);
    const end = pos + 512 + Math.ceil(size / 512) * 512 + 1024;
    ftruncateSync(fd, end);
    return end;
  } finally {
    closeSync(fd);
  }
}

describe('validate over HTTP Range against a real server', () => {
  let server: RangeServer;
  let bigSize = 0;
  beforeAll(async () => {
    const dir = tempDir('fnnx-validate-remote-');
    copyFileSync(CORPUS_TAR, join(dir, 'corpus.fnnx'));
    bigSize = writeBigArtifact(join(dir, 'big.fnnx'));
    server = await startRangeServer(dir);
  });
  afterAll(() => server.close());

  it('finds the same problems in the corpus over HTTP as on disk', async () => {
    const key = (r: ValidationReport) => r.diagnostics.map((d) => `${d.code} ${d.member} ${d.pointer}`);
    const remote = await validateTarget(server.url('corpus.fnnx'));
    expect(key(remote)).toEqual(key(await validateTarget(CORPUS_TAR)));
    expect(remote.diagnostics.filter((d) => d.code === 'ONNX_IR_VERSION_MISMATCH')).toHaveLength(4);
  });

  it('validates a 64 MiB model by range: about one small read per initializer, a few hundred KiB on the wire', async () => {
    server.reset();
    let counting: CountingSource | undefined;
    const report = await validateTargetWith(server.url('big.fnnx'), { wrap: (s) => (counting = new CountingSource(s)) });
    expect(report.diagnostics).toEqual([]);
    expect(bigSize).toBeGreaterThan(INITIALIZERS * TENSOR);
    expect(counting!.reads).toBeLessThanOrEqual(INITIALIZERS + 8);
    expect(server.bytesSent()).toBeLessThan(INITIALIZERS * 4096 + 256 * 1024);
    expect(server.requests.length).toBeLessThanOrEqual(INITIALIZERS + 8);
  });

  it('fnnx-kit validate --json URL exits 1 on the corpus and reports the model disagreement', async () => {
    const r = await runCliAsync(['validate', '--json', server.url('corpus.fnnx')]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as ValidationReport;
    expect(report.diagnostics.some((d) => d.code === 'ONNX_OPSET_MISMATCH')).toBe(true);
  });

  it('--for-upload takes the file name from the URL path', async () => {
    const r = await runCliAsync(['validate', '--json', '--for-upload', server.url('big.fnnx')]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as ValidationReport).valid).toBe(true);
  });
});
