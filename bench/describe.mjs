#!/usr/bin/env node
/**
 * `fnnx-kit describe` (one pass: SHA-256 + size + file_index + manifest) on 1 GiB and 4 GiB
 * artifacts, side by side with the limit for hashing a *file*, `openssl dgst -sha256` of the same
 * file, and with the registry Python client's way (tarfile member scan, then hashlib over 8 MiB
 * reads). Whole processes, contenders alternating round by round; ratios are medians of the
 * per-round ratios. The artifact is in the page cache (this measures hashing and parsing, not the
 * disk). Needs `npm run build` first.
 *
 *   node bench/describe.mjs [--runs 7] [--sizes 1,4]
 */
import { mkdtempSync, rmSync, writeFileSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alternatingRuns, loadAverage, ratio, summaryHeader, summaryRow, table, timed } from './lib/measure.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(root, 'bin/fnnx-kit.cjs');
const arg = (name, dflt) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const RUNS = Number(arg('--runs', '7'));
const SIZES = arg('--sizes', '1,4').split(',').map(Number);

const PY_CLIENT = `
import hashlib, json, sys, tarfile
path = sys.argv[1]
with tarfile.open(path) as t:
    index = {m.name: [m.offset_data, m.size] for m in t.getmembers() if m.isfile()}
    manifest = json.load(t.extractfile("manifest.json"))
h = hashlib.sha256()
with open(path, "rb") as f:
    while chunk := f.read(8 * 1024 * 1024):
        h.update(chunk)
print(h.hexdigest(), len(index))
`;

// The library as an embedding program calls it: describeFile() with its default (the pass on a worker).
const LIBRARY = `
const { describeFile } = await import(${JSON.stringify(join(root, 'dist/node/describe-file.js'))});
await describeFile(process.argv[1], { maxSize: 2 ** 50 });
`;

// The floor for Node: nothing but a loop of 64 KiB readSync + createHash.
const NODE_LOOP = `
const { openSync, readSync } = await import('node:fs');
const h = (await import('node:crypto')).createHash('sha256');
const buf = Buffer.allocUnsafe(65536);
const fd = openSync(process.argv[1], 'r');
for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) h.update(buf.subarray(0, n));
console.log(h.digest('hex'));
`;

const dir = mkdtempSync(join(tmpdir(), 'fnnx-bench-describe-'));
try {
  const { packToFile } = await import(join(root, 'dist/node/pack.js'));
  const { fileBody } = await import(join(root, 'dist/node/file-body.js'));
  for (const gib of SIZES) {
    // A sparse model packed into a real file: fast to make, same page-cache bytes for everyone.
    const model = join(dir, `model-${gib}.onnx`);
    writeFileSync(model, '');
    truncateSync(model, gib * 2 ** 30);
    const file = join(dir, `model-${gib}.fnnx`);
    const manifest = {
      variant: 'pipeline',
      producer_name: 'bench',
      producer_version: '0',
      producer_tags: [],
      inputs: [],
      outputs: [],
      dynamic_attributes: [],
      env_vars: [],
    };
    await packToFile({ manifest, files: [{ name: 'ops_artifacts/main/model.onnx', body: await fileBody(model) }] }, file);
    rmSync(model);
    await timed('sh', ['-c', 'cat "$0" > /dev/null', file]); // page cache warm for everyone
    const loadBefore = await loadAverage();
    const runs = await alternatingRuns(RUNS, {
      cli: () => timed(process.execPath, [BIN, 'describe', file, '--quiet', '--max-size', String(2 ** 50)]),
      lib: () => timed(process.execPath, ['--input-type=module', '-e', LIBRARY, file]),
      openssl: () => timed('openssl', ['dgst', '-sha256', file]),
      py: () => timed('python3', ['-c', PY_CLIENT, file]),
      loop: () => timed(process.execPath, ['--input-type=module', '-e', NODE_LOOP, file]),
    });
    const loadAfter = await loadAverage();
    const row = (label, rs) => summaryRow(label, rs, runs.openssl);
    console.log(`\n${gib} GiB artifact, ${RUNS} alternating rounds, load average ${loadBefore} → ${loadAfter}:`);
    table([
      summaryHeader('× openssl dgst'),
      row('openssl dgst -sha256', runs.openssl),
      row('fnnx-kit describe', runs.cli),
      row('describeFile() (worker), whole process', runs.lib),
      row('python tarfile + hashlib 8 MiB', runs.py),
      row('node readSync 64 KiB + createHash', runs.loop),
    ]);
    const peak = Math.max(...runs.cli.map((r) => r.rssKiB)) / 1024;
    console.log(`  describe ÷ openssl dgst:     ${ratio(runs.cli, runs.openssl).toFixed(3)}x (target <= 1.05)`);
    console.log(`  describeFile() ÷ openssl:    ${ratio(runs.lib, runs.openssl).toFixed(3)}x`);
    console.log(`  Python client ÷ describe:    ${ratio(runs.py, runs.cli).toFixed(3)}x (target >= 1.15)`);
    // Beating Python by 1.15x is possible only if the limit itself does (describe cannot beat openssl dgst).
    console.log(`  the limit: Python ÷ openssl dgst: ${ratio(runs.py, runs.openssl).toFixed(3)}x (the 1.15x target needs this >= 1.15)`);
    console.log(`  describe peak RSS:           ${peak.toFixed(0)} MiB (target < 100)`);
    rmSync(file);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
