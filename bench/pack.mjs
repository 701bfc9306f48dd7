#!/usr/bin/env node
/**
 * `fnnx-kit pack` of a directory holding a 1 GiB model (tar + descriptor in one pass) against
 * Python's two passes: `tarfile.add` of the same members, then hashlib SHA-256 over the result in
 * 8 MiB chunks. Ratios from this one run, GB/s and peak RSS. The model is a sparse file (same
 * page-cache zeros for both). Needs `npm run build` first.
 *
 *   node bench/pack.mjs [--runs 3] [--gib 1]
 */
import { mkdtempSync, rmSync, writeFileSync, truncateSync, mkdirSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gbps, medianRuns, mib, table, timed } from './lib/measure.mjs';

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
  cpSync(join(root, 'fixtures/corpus/onnx_pipeline.fnnx'), src, { recursive: true, filter: (s) => !s.includes('ops_artifacts') && !s.includes('_artifacts/') });
  mkdirSync(join(src, 'ops_artifacts/main'), { recursive: true });
  writeFileSync(join(src, 'meta.json'), '[]');
  const model = join(src, 'ops_artifacts/main/model.onnx');
  writeFileSync(model, '');
  truncateSync(model, GIB * 2 ** 30);
  await timed('sh', ['-c', 'cat "$0" > /dev/null', model]);
  const fresh = (name) => {
    rmSync(join(dir, name), { force: true });
    return join(dir, name);
  };
  const { ours, py, pySync } = await medianRuns(RUNS, {
    ours: () => timed(process.execPath, [BIN, 'pack', src, '-o', fresh('ours.fnnx'), '--json', '--quiet']),
    py: () => timed('python3', ['-c', PY_PACK, src, fresh('py.fnnx')]),
    // fnnx-kit syncs its output before renaming it into place; this contender pays the same.
    pySync: () => timed('python3', ['-c', PY_PACK, src, fresh('py-sync.fnnx'), 'fsync']),
  });
  const size = GIB * 2 ** 30;
  console.log(`pack of a directory with a ${GIB} GiB model, median of ${RUNS} runs:`);
  table([
    ['contender', 'seconds', 'GB/s', 'GB per CPU-s', 'peak RSS MiB'],
    ['fnnx-kit pack (tar + descriptor, one pass)', (ours.ms / 1000).toFixed(2), gbps(size, ours.ms), gbps(size, ours.cpuMs), mib(ours.rssKiB)],
    ['python tarfile.add, then hashlib', (py.ms / 1000).toFixed(2), gbps(size, py.ms), gbps(size, py.cpuMs), mib(py.rssKiB)],
    ['python tarfile.add, fsync, then hashlib', (pySync.ms / 1000).toFixed(2), gbps(size, pySync.ms), gbps(size, pySync.cpuMs), mib(pySync.rssKiB)],
  ]);
  console.log(`  pack vs Python two passes: ${(py.ms / ours.ms).toFixed(2)}x (target >= 1.5x)`);
  console.log(`  pack vs Python two passes with the same fsync: ${(pySync.ms / ours.ms).toFixed(2)}x`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
