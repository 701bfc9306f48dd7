#!/usr/bin/env node
/**
 * `fnnx-kit pack` of a directory holding a 1 GiB (or 4 GiB) model, tar and descriptor in one pass,
 * against the two-pass limit: GNU `tar -cf` of the same folder, then `openssl dgst -sha256` of the
 * result; and against Python's two passes (`tarfile.add`, then hashlib over 8 MiB reads). Each
 * side makes its output durable the same way (fnnx-kit syncs before renaming into place; the others
 * run `sync FILE` / os.fsync before hashing). Whole processes, contenders alternating round by
 * round; ratios are medians of per-round ratios. The model is a sparse file in the page cache.
 * Needs `npm run build` first.
 *
 *   node bench/pack.mjs [--runs 5] [--sizes 1,4]
 */
import { mkdtempSync, rmSync, writeFileSync, truncateSync, mkdirSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alternatingRuns, loadAverage, ratio, summaryHeader, summaryRow, table, timed } from './lib/measure.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(root, 'bin/fnnx-kit.cjs');
const arg = (name, dflt) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const RUNS = Number(arg('--runs', '5'));
const SIZES = arg('--sizes', '1').split(',').map(Number);

const PY_PACK = `
import hashlib, os, sys, tarfile
src, out = sys.argv[1], sys.argv[2]
names = ["manifest.json", "ops.json", "variant_config.json", "dtypes.json", "env.json", "meta.json", "ops_artifacts/main/model.onnx"]
with tarfile.open(out, "w", format=tarfile.USTAR_FORMAT) as t:
    for n in names:
        t.add(os.path.join(src, n), arcname=n)
fd = os.open(out, os.O_RDONLY); os.fsync(fd); os.close(fd)
h = hashlib.sha256()
with open(out, "rb") as f:
    while chunk := f.read(8 * 1024 * 1024):
        h.update(chunk)
print(h.hexdigest())
`;

const dir = mkdtempSync(join(tmpdir(), 'fnnx-bench-pack-'));
try {
  const fresh = (name) => {
    rmSync(join(dir, name), { force: true });
    return join(dir, name);
  };
  for (const gib of SIZES) {
    const src = join(dir, 'model.fnnx.d');
    rmSync(src, { recursive: true, force: true });
    cpSync(join(root, 'fixtures/corpus/onnx_pipeline.fnnx'), src, {
      recursive: true,
      filter: (s) => !s.includes('ops_artifacts') && !s.includes('_artifacts/'),
    });
    mkdirSync(join(src, 'ops_artifacts/main'), { recursive: true });
    writeFileSync(join(src, 'meta.json'), '[]');
    const model = join(src, 'ops_artifacts/main/model.onnx');
    writeFileSync(model, '');
    truncateSync(model, gib * 2 ** 30);
    await timed('sh', ['-c', 'cat "$0" > /dev/null', model]);
    const loadBefore = await loadAverage();
    const runs = await alternatingRuns(RUNS, {
      // --no-check: the folder's model is an empty placeholder (it would be refused), and tar and Python validate nothing either;
      // the check itself costs ~0.1 s for a folder of any size (it reads model headers by range: bench/README.md).
      ours: () => timed(process.execPath, [BIN, 'pack', src, '-o', fresh('ours.fnnx'), '--json', '--quiet', '--no-check']),
      tar: () => timed('sh', ['-c', 'tar -cf "$1" -C "$0" . && sync "$1" && openssl dgst -sha256 "$1"', src, fresh('tar.tar')]),
      py: () => timed('python3', ['-c', PY_PACK, src, fresh('py.fnnx')]),
    });
    const loadAfter = await loadAverage();
    for (const f of ['ours.fnnx', 'tar.tar', 'py.fnnx']) fresh(f);
    const row = (label, rs) => summaryRow(label, rs, runs.ours);
    console.log(`\npack of a directory with a ${gib} GiB model, ${RUNS} alternating rounds, load average ${loadBefore} → ${loadAfter}:`);
    table([
      summaryHeader('÷ fnnx-kit pack'),
      row('fnnx-kit pack (tar + descriptor, one pass, synced)', runs.ours),
      row('tar -cf, sync FILE, openssl dgst -sha256', runs.tar),
      row('python tarfile.add, fsync, hashlib', runs.py),
    ]);
    console.log(`  tar + sync + openssl dgst ÷ pack: ${ratio(runs.tar, runs.ours).toFixed(3)}x (target >= 1.00)`);
    console.log(`  Python two passes ÷ pack:         ${ratio(runs.py, runs.ours).toFixed(3)}x`);
    rmSync(src, { recursive: true, force: true });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
