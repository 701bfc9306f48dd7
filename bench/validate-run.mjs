#!/usr/bin/env node
/**
 * What `validate --run` costs (issue 26): wall time and peak memory (GNU time: the largest of the
 * CLI and the runtime's child process) on the 30 KiB corpus tar and on an artifact whose one op
 * holds 1 GiB of weights (4 float32 initializers of 256 MiB, holes in a sparse file, each reduced
 * by a ReduceSum so the runtime keeps and reads them), against plain `validate` of the same file.
 * Median of RUNS. Needs `npm run build` first and onnxruntime-node installed.
 *
 *   node bench/validate-run.mjs
 */
import { execFileSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileSource } from '../dist/node/file-source.js';
import { fileIndexOf } from '../dist/tar/file-index.js';
import { walkTar } from '../dist/tar/walk.js';
import { FLOAT, hugeModelPieces, modelSpec, writePieces } from '../test/helpers/onnx-model.mjs';
import { medianRuns, table, timed } from './lib/measure.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(root, 'bin/fnnx-kit.cjs');
const CORPUS = join(root, 'fixtures/corpus/onnx_pipeline.fnnx.tar');
const INITIALIZERS = 4;
const TENSOR = 256 * 1024 * 1024;
const RUNS = Number(process.env.RUNS ?? 3);
const MODEL = 'ops_artifacts/big/model.onnx';

const dir = mkdtempSync(join(tmpdir(), 'fnnx-bench-run-'));
try {
  const big = join(dir, 'big.fnnx');
  const modelSize = await writeBigArtifact(big);
  const small = join(dir, 'small.fnnx');
  copyFileSync(CORPUS, small);
  const cli = (args) => () => timed(process.execPath, [BIN, 'validate', ...args], { exitCodes: [0, 1] });
  const results = await medianRuns(RUNS, {
    'corpus 30 KiB: validate': cli([small]),
    'corpus 30 KiB: validate --run': cli(['--run', small]),
    '1 GiB weights: validate': cli([big]),
    '1 GiB weights: validate --run': cli(['--run', big]),
  });
  const verdict = (args) => {
    try {
      return execFileSync(process.execPath, [BIN, 'validate', ...args], { encoding: 'utf8' }).split('\n')[0];
    } catch (e) {
      return e.stdout.split('\n')[0];
    }
  };
  console.log(`validate --run (node ${process.version}, median of ${RUNS}; peak RSS = the largest process, CLI or runtime child)\n`);
  table([
    ['case', 'wall ms', 'peak RSS MiB'],
    ...Object.entries(results).map(([k, r]) => [k, r.ms.toFixed(0), (r.rssKiB / 1024).toFixed(0)]),
  ]);
  const peak = results['1 GiB weights: validate --run'].rssKiB * 1024;
  console.log(
    `\n  the big model: ${(modelSize / 2 ** 20).toFixed(0)} MiB; peak RSS over it: ${((peak - modelSize) / 2 ** 20).toFixed(0)} MiB (${(peak / modelSize).toFixed(2)}x the model)`,
  );
  console.log(`  verdicts: corpus "${verdict(['--run', small])}"; big "${verdict(['--run', big])}"`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * A sound runnable pipeline: y = x · w + Σ ReduceSum(w_i) over INITIALIZERS float32 tensors of
 * TENSOR bytes. Python's tarfile writes the tar with the model as a hole; the model's field headers
 * then go into it. Returns the model's size.
 */
async function writeBigArtifact(path) {
  const port = (shape) => ({ dtype: 'Array[float32]', shape });
  const io = (name, shape) => ({ name, content_type: 'NDJSON', ...port(shape) });
  const sums = Array.from({ length: INITIALIZERS }, (_, i) => ({
    opType: 'ReduceSum',
    inputs: [`w${i}`],
    outputs: [`s${i}`],
    ints: { keepdims: 0 },
  }));
  const spec = modelSpec({
    initializers: [{ name: 'w', dims: [3, 1], raw: new Uint8Array(new Float32Array([1, 2, 3]).buffer) }],
    nodes: [
      ...sums,
      { opType: 'Sum', inputs: sums.map((n) => n.outputs[0]), outputs: ['s'] },
      { opType: 'MatMul', inputs: ['x', 'w'], outputs: ['m'] },
      { opType: 'Add', inputs: ['m', 's'], outputs: ['y'] },
    ],
    outputs: [{ name: 'y', elemType: FLOAT, shape: ['batch', 1] }],
  });
  const json = {
    'manifest.json': {
      variant: 'pipeline',
      producer_name: 'bench',
      producer_version: '1',
      producer_tags: [],
      inputs: [io('x', ['batch', 3])],
      outputs: [io('y', ['batch', 1])],
      dynamic_attributes: [],
      env_vars: [],
    },
    'ops.json': [
      {
        id: 'big',
        op: 'ONNX_v1',
        inputs: [port(['batch', 3])],
        outputs: [port(['batch', 1])],
        attributes: { opsets: [{ domain: 'ai.onnx', version: 17 }], has_external_data: false, onnx_ir_version: 8 },
        dynamic_attributes: {},
      },
    ],
    'variant_config.json': { nodes: [{ op_instance_id: 'big', inputs: ['x'], outputs: ['y'], extra_dynattrs: {} }] },
    'dtypes.json': {},
    'env.json': {},
    'meta.json': [],
  };
  const { pieces, size } = hugeModelPieces(spec, INITIALIZERS, TENSOR, [TENSOR / 4]);
  const members = [...Object.entries(json).map(([name, value]) => ({ name, text: JSON.stringify(value) })), { name: MODEL, hole: size }];
  execFileSync('python3', [join(root, 'test/helpers/foreign-sparse-tar.py'), path, 'PAX'], { input: JSON.stringify(members) });
  const file = await FileSource.open(path);
  const [offset] = fileIndexOf((await walkTar(file)).entries)[MODEL];
  await file.close();
  const fd = openSync(path, 'r+');
  try {
    writePieces(fd, offset, pieces);
  } finally {
    closeSync(fd);
  }
  return size;
}
