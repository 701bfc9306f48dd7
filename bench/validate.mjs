#!/usr/bin/env node
/**
 * What validate costs on a 1 GiB artifact whose model holds 1 GiB of initializers (256 tensors of
 * 4 MiB, as holes in a sparse file), locally and over HTTP (loopback serve-static), against the
 * 30 KiB corpus tar: wall time (median of 5, in process), bytes read and reads/requests.
 * Targets (issue 4): remote under 2 MiB in all, at most one read of 4 KiB or less per initializer;
 * local within 1.5x the 30 KiB artifact's time. Needs `npm run build` first.
 *
 *   node bench/validate.mjs
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { CountingSource } from '../dist/source/counting-source.js';
import { FileSource } from '../dist/node/file-source.js';
import { fileIndexOf } from '../dist/tar/file-index.js';
import { walkTar } from '../dist/tar/walk.js';
import { validateTarget } from '../dist/node/validate.js';
import { hugeModelPieces, modelSpec, writePieces } from '../test/helpers/onnx-model.mjs';
import { startLoopbackServer } from './lib/loopback-server.mjs';
import { table } from './lib/measure.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const CORPUS = join(root, 'fixtures/corpus/onnx_pipeline.fnnx.tar');
const INITIALIZERS = 256;
const TENSOR = 4 * 1024 * 1024;
const RUNS = 5;
const MODEL = 'ops_artifacts/big/model.onnx';

const dir = mkdtempSync(join(tmpdir(), 'fnnx-bench-validate-'));
const server = await startLoopbackServer(dir);
try {
  const big = join(dir, 'big.fnnx');
  await writeBigArtifact(big);
  copyFileSync(CORPUS, join(dir, 'small.fnnx'));

  const rows = [['case', 'median ms', 'bytes read', 'reads', 'HTTP requests', 'HTTP body bytes', 'verdict']];
  const results = {};
  for (const [label, target, remote] of [
    ['local, 30 KiB corpus tar', join(dir, 'small.fnnx'), false],
    ['local, 1 GiB (256 initializers)', big, false],
    ['remote, 30 KiB corpus tar', server.url('small.fnnx'), true],
    ['remote, 1 GiB (256 initializers)', server.url('big.fnnx'), true],
  ]) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      server.reset();
      let counting;
      const t0 = performance.now();
      const report = await validateTarget(target, { wrap: (s) => (counting = new CountingSource(s)) });
      runs.push({
        ms: performance.now() - t0,
        bytes: counting.bytes,
        reads: counting.reads,
        maxRead: Math.max(...counting.log.map(([, n]) => n)),
        requests: server.state.requests.length,
        body: server.bytes(),
        valid: report.valid,
        errors: report.counts.error,
      });
    }
    runs.sort((a, b) => a.ms - b.ms);
    const r = runs[Math.floor(RUNS / 2)];
    results[label] = r;
    rows.push([
      label,
      r.ms.toFixed(1),
      human(r.bytes),
      String(r.reads),
      remote ? String(r.requests) : '-',
      remote ? human(r.body) : '-',
      r.valid ? 'sound' : `broken (${r.errors} errors)`,
    ]);
  }
  console.log(`validate cost (node ${process.version}, ${RUNS} runs each, median)\n`);
  table(rows);
  const cliSmall = cliMs(join(dir, 'small.fnnx'));
  const cliBig = cliMs(big);
  const localRatio = results['local, 1 GiB (256 initializers)'].ms / results['local, 30 KiB corpus tar'].ms;
  console.log(
    `\n  fnnx-kit validate (whole process), median of ${RUNS}: 30 KiB ${cliSmall.toFixed(0)} ms, 1 GiB ${cliBig.toFixed(0)} ms: ratio ${(cliBig / cliSmall).toFixed(2)} (target <= 1.5)`,
  );
  const remote = results['remote, 1 GiB (256 initializers)'];
  console.log(
    `  in process, local 1 GiB / 30 KiB time ratio: ${localRatio.toFixed(2)} (256 dependent reads: each hop needs the previous length)`,
  );
  console.log(
    `  remote 1 GiB: ${human(remote.body)} on the wire in ${remote.requests} requests (target < 2 MiB); ${(remote.reads / INITIALIZERS).toFixed(2)} source reads per initializer`,
  );
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}

/** Wall time of the CLI as a user runs it (node start included), median of RUNS. */
function cliMs(target) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    spawnSync(process.execPath, [join(root, 'bin/fnnx-kit.cjs'), 'validate', target], { stdio: 'ignore' });
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
}

/**
 * A sound pipeline whose one ONNX op's model is 256 initializers of 4 MiB. Python's tarfile writes
 * the tar with the model member as a hole; the model's field headers then go into that hole.
 */
async function writeBigArtifact(path) {
  const io = (name, shape) => ({ name, content_type: 'NDJSON', dtype: 'Array[float32]', shape });
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
        inputs: [{ dtype: 'Array[float32]', shape: ['batch', 3] }],
        outputs: [{ dtype: 'Array[float32]', shape: ['batch', 1] }],
        attributes: { opsets: [{ domain: 'ai.onnx', version: 17 }], has_external_data: false, onnx_ir_version: 8 },
        dynamic_attributes: {},
      },
    ],
    'variant_config.json': { nodes: [{ op_instance_id: 'big', inputs: ['x'], outputs: ['y'], extra_dynattrs: {} }] },
    'dtypes.json': {},
    'env.json': {},
    'meta.json': [],
  };
  const { pieces, size } = hugeModelPieces(modelSpec(), INITIALIZERS, TENSOR);
  const spec = [...Object.entries(json).map(([name, value]) => ({ name, text: JSON.stringify(value) })), { name: MODEL, hole: size }];
  execFileSync('python3', [join(root, 'test/helpers/foreign-sparse-tar.py'), path, 'PAX'], { input: JSON.stringify(spec) });
  const file = await FileSource.open(path);
  const [offset] = fileIndexOf((await walkTar(file)).entries)[MODEL];
  await file.close();
  const fd = openSync(path, 'r+');
  try {
    writePieces(fd, offset, pieces);
  } finally {
    closeSync(fd);
  }
}

function human(n) {
  return n >= 2 ** 30
    ? `${(n / 2 ** 30).toFixed(2)} GiB`
    : n >= 1024 * 1024
      ? `${(n / 2 ** 20).toFixed(2)} MiB`
      : n >= 1024
        ? `${(n / 1024).toFixed(1)} KiB`
        : `${n} B`;
}
