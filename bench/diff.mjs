#!/usr/bin/env node
/**
 * What `fnnx-kit diff` costs, local against remote: wall time (median of 5 runs, the CLI as a
 * user runs it) and, for URLs, requests and body bytes the loopback server sent. The artifacts are
 * the corpus with a 1 GiB ONNX member as a hole; the new one adds an input. Needs `npm run build`.
 *
 *   node bench/diff.mjs
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLoopbackServer } from './lib/loopback-server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(root, 'bin/fnnx-kit.cjs');
const CORPUS = join(root, 'fixtures/corpus/onnx_pipeline.fnnx.tar');
const RUNS = 5;

const dir = mkdtempSync(join(tmpdir(), 'fnnx-bench-diff-'));
const server = await startLoopbackServer(dir);
try {
  for (const name of ['old', 'new']) {
    execFileSync('python3', [join(root, 'test/helpers/foreign-sparse-tar.py'), join(dir, `${name}.fnnx`), 'PAX'], {
      input: JSON.stringify([
        { copy: CORPUS, first: ['manifest.json'] },
        { name: 'ops_artifacts/big/model.onnx', hole: 2 ** 30 },
      ]),
    });
  }
  // The new side: the same artifact with a patch adding an input (an append, as a producer would).
  execFileSync(process.execPath, [BIN, 'patch-manifest', join(dir, 'new.fnnx'), '--patch', writePatch(join(dir, 'patch.json'))]);
  const cases = [
    ['local file vs local file', [join(dir, 'old.fnnx'), join(dir, 'new.fnnx')]],
    ['URL vs local file', [server.url('old.fnnx'), join(dir, 'new.fnnx')]],
    ['URL vs URL', [server.url('old.fnnx'), server.url('new.fnnx')]],
  ];
  console.log(`fnnx-kit diff on two 1 GiB artifacts (loopback serve-static; node ${process.version}; median of ${RUNS})\n`);
  const rows = [['case', 'median ms', 'requests', 'body bytes']];
  for (const [label, args] of cases) {
    const times = [];
    let requests = 0;
    let bytes = 0;
    for (let i = 0; i < RUNS; i++) {
      server.reset();
      const t = performance.now();
      await cli(['diff', '--json', ...args]);
      times.push(performance.now() - t);
      requests = server.state.requests.length;
      bytes = server.bytes();
    }
    times.sort((a, b) => a - b);
    rows.push([label, times[Math.floor(RUNS / 2)].toFixed(0), String(requests), String(bytes)]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(`  ${r.map((c, i) => c.padEnd(widths[i])).join('  ')}`);
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}

function writePatch(path) {
  const patch = [
    { op: 'add', path: '/inputs/-', value: { name: 'extra', content_type: 'NDJSON', dtype: 'Array[float32]', shape: ['batch', 1] } },
  ];
  writeFileSync(path, JSON.stringify(patch));
  return path;
}

/** The CLI as a child (this process serves the requests, so no spawnSync). */
function cli(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`fnnx-kit ${args.join(' ')} exited ${code}`))));
  });
}
