#!/usr/bin/env node
/**
 * `fnnx-kit pack` of a directory holding a 1 GiB model (tar + descriptor in one pass) against
 * Python's two passes: `tarfile.add` of the same members, then hashlib SHA-256 over the result in
 * 8 MiB chunks. Ratios from this one run, GB/s and peak RSS. The model is a real ModelProto whose
 * one initializer is a hole in a sparse file (same page-cache zeros for both), in a sound pipeline
 * folder, so pack's check before writing (the validator, reading the model's header by range) is
 * timed too: `pack --no-check` is the same run without it. Needs `npm run build` first.
 *
 *   node bench/pack.mjs [--runs 3] [--gib 1]
 */
import { closeSync, ftruncateSync, mkdtempSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gbps, medianRuns, mib, table, timed } from './lib/measure.mjs';
import { hugeModelPieces, modelSpec, writePieces } from '../test/helpers/onnx-model.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(root, 'bin/fnnx-kit.js');
const arg = (name, dflt) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const RUNS = Number(arg('--runs', '3'));
const GIB = Number(arg('--gib', '1'));

const PY_PACK = `
import hashlib, os, sys, tarfile
src, out = sys.argv[1], sys.argv[2]
names = ["manifest.json", "ops.json", "variant_config.json", "dtypes.json", "env.json", "meta.json", "ops_artifacts/main/model.onnx"]
with tarfile.open(out, "w", format=tarfile.USTAR_FORMAT) as t:
    for n in names:
        t.add(os.path.join(src, n), arcname=n)
if len(sys.argv) > 3:
    fd = os.open(out, os.O_RDONLY); os.fsync(fd); os.close(fd)
h = hashlib.sha256()
with open(out, "rb") as f:
    while chunk := f.read(8 * 1024 * 1024):
        h.update(chunk)
print(h.hexdigest())
`;

const dir = mkdtempSync(join(tmpdir(), 'fnnx-bench-pack-'));
try {
  const src = join(dir, 'model.fnnx.d');
  mkdirSync(join(src, 'ops_artifacts/main'), { recursive: true });
  const io = (name, shape) => ({ name, content_type: 'NDJSON', dtype: 'Array[float32]', shape });
  const roots = {
    'manifest.json': { variant: 'pipeline', producer_name: 'bench', producer_version: '1.0.0', producer_tags: [], inputs: [io('x', ['batch', 3])], outputs: [io('y', ['batch', 1])], dynamic_attributes: [], env_vars: [] },
    'ops.json': [{ id: 'main', op: 'ONNX_v1', inputs: [{ dtype: 'Array[float32]', shape: ['batch', 3] }], outputs: [{ dtype: 'Array[float32]', shape: ['batch', 1] }], attributes: { opsets: [{ domain: 'ai.onnx', version: 17 }], has_external_data: false, onnx_ir_version: 8 }, dynamic_attributes: {} }],
    'variant_config.json': { nodes: [{ op_instance_id: 'main', inputs: ['x'], outputs: ['y'], extra_dynattrs: {} }] },
    'dtypes.json': {},
    'env.json': {},
    'meta.json': [],
  };
  for (const [name, value] of Object.entries(roots)) writeFileSync(join(src, name), JSON.stringify(value));
  const model = join(src, 'ops_artifacts/main/model.onnx');
  // One initializer sized so the whole model is GIB GiB.
  const overhead = hugeModelPieces(modelSpec(), 1, 0).size + 8;
  const { pieces, size: modelSize } = hugeModelPieces(modelSpec(), 1, GIB * 2 ** 30 - overhead);
  const fd = openSync(model, 'w');
  writePieces(fd, 0, pieces);
  ftruncateSync(fd, modelSize);
  closeSync(fd);
  await timed('sh', ['-c', 'cat "$0" > /dev/null', model]);
  const fresh = (name) => {
    rmSync(join(dir, name), { force: true });
    return join(dir, name);
  };
  const { ours, noCheck, py, pySync } = await medianRuns(RUNS, {
    ours: () => timed(process.execPath, [BIN, 'pack', src, '-o', fresh('ours.fnnx'), '--json', '--quiet']),
    noCheck: () => timed(process.execPath, [BIN, 'pack', src, '-o', fresh('no-check.fnnx'), '--json', '--quiet', '--no-check']),
    py: () => timed('python3', ['-c', PY_PACK, src, fresh('py.fnnx')]),
    // fnnx-kit syncs its output before renaming it into place; this contender pays the same.
    pySync: () => timed('python3', ['-c', PY_PACK, src, fresh('py-sync.fnnx'), 'fsync']),
  });
  const size = GIB * 2 ** 30;
  console.log(`pack of a directory with a ${GIB} GiB model, median of ${RUNS} runs:`);
  table([
    ['contender', 'seconds', 'GB/s', 'GB per CPU-s', 'peak RSS MiB'],
    ['fnnx-kit pack (tar + descriptor, one pass)', (ours.ms / 1000).toFixed(2), gbps(size, ours.ms), gbps(size, ours.cpuMs), mib(ours.rssKiB)],
    ['fnnx-kit pack --no-check (no validation first)', (noCheck.ms / 1000).toFixed(2), gbps(size, noCheck.ms), gbps(size, noCheck.cpuMs), mib(noCheck.rssKiB)],
    ['python tarfile.add, then hashlib', (py.ms / 1000).toFixed(2), gbps(size, py.ms), gbps(size, py.cpuMs), mib(py.rssKiB)],
    ['python tarfile.add, fsync, then hashlib', (pySync.ms / 1000).toFixed(2), gbps(size, pySync.ms), gbps(size, pySync.cpuMs), mib(pySync.rssKiB)],
  ]);
  console.log(`  the check before writing: ${(ours.ms - noCheck.ms).toFixed(0)} ms (${((ours.ms / noCheck.ms - 1) * 100).toFixed(1)}%)`);
  console.log(`  pack vs Python two passes: ${(py.ms / ours.ms).toFixed(2)}x (target >= 1.5x)`);
  console.log(`  pack vs Python two passes with the same fsync: ${(pySync.ms / ours.ms).toFixed(2)}x`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
