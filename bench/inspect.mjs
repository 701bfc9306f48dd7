#!/usr/bin/env node
/**
 * Local inspect cost vs artifact size: a 2 GiB artifact (sparse file: the corpus members with
 * manifest.json first, then a 2 GiB ONNX member) against the 30 KiB corpus tar, for
 * `fnnx-kit inspect --json` (a child process, as a user runs it), readArtifact in-process (no
 * startup cost), and Python tarfile getmembers() + extractfile('manifest.json'). Prints one table
 * of medians and the big/small ratios from this one run. Needs `npm run build` first.
 *
 *   npm run bench:inspect [-- --runs 9]
 */
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const root = fileURLToPath(new URL('..', import.meta.url));
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 9;
const BIG_SIZE = 2 ** 31;
const CORPUS = join(root, 'fixtures/corpus/onnx_pipeline.fnnx.tar');
const BIN = join(root, 'bin/fnnx-kit.cjs');
const PY_INSPECT =
  "import sys, tarfile\nwith tarfile.open(sys.argv[1]) as t:\n    t.getmembers()\n    t.extractfile('manifest.json').read()";

const { openStore, readArtifact, CountingSource } = await import(join(root, 'dist/index.js'));

const dir = mkdtempSync(join(tmpdir(), 'fnnx-bench-'));
try {
  const big = join(dir, 'big.fnnx');
  execFileSync('python3', [join(root, 'test/helpers/foreign-sparse-tar.py'), big, 'PAX'], {
    input: JSON.stringify([
      { copy: CORPUS, first: ['manifest.json'] },
      { name: 'ops_artifacts/big/model.onnx', hole: BIG_SIZE },
    ]),
  });
  const files = { small: CORPUS, big };

  const tools = {
    'fnnx-kit inspect --json (CLI)': (f) => child(process.execPath, [BIN, 'inspect', '--json', f]),
    'readArtifact (in-process)': (f) => inProcess(f),
    'python tarfile getmembers+extract': (f) => child('python3', ['-c', PY_INSPECT, f]),
  };

  const results = [];
  for (const [tool, run] of Object.entries(tools)) {
    for (const file of Object.values(files)) await run(file); // warm the page cache and the JIT
    const samples = { small: [], big: [] };
    // Alternate small and big so machine load drifts hit both alike.
    for (let i = 0; i < RUNS; i++) for (const [which, file] of Object.entries(files)) samples[which].push(await run(file));
    for (const which of Object.keys(files)) {
      const ms = samples[which].map((s) => s.ms);
      const { reads, bytes } = samples[which][0];
      results.push({
        tool,
        which,
        ms: median(ms),
        minMs: Math.min(...ms),
        rssKiB: Math.max(...samples[which].map((s) => s.rssKiB ?? 0)),
        reads,
        bytes,
      });
    }
  }
  print(results, files);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** Wall time of a child process, and its peak RSS from GNU time's %M (KiB). */
function child(cmd, args) {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return { ms, rssKiB: Number(r.stderr.trim().split('\n').at(-1)) };
}

async function inProcess(file) {
  let counted;
  const t0 = performance.now();
  const store = await openStore(file, { wrap: (s) => (counted = new CountingSource(s)) });
  try {
    await readArtifact(store);
  } finally {
    await store.close();
  }
  return { ms: performance.now() - t0, rssKiB: undefined, reads: counted.reads, bytes: counted.bytes };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function print(results, files) {
  const size = (f) => {
    const n = statSync(f).size;
    return n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(2)} GiB` : `${(n / 1024).toFixed(0)} KiB`;
  };
  console.log(`inspect cost vs artifact size: ${RUNS} runs each, small and big alternating; node ${process.version}`);
  console.log('  (the machine is shared: the minimum is the least disturbed run, the median the typical one)');
  console.log(`  small = ${size(files.small)} (corpus tar), big = ${size(files.big)} (sparse, 2 GiB ONNX member, manifest first)\n`);
  const rows = [['tool', 'small ms (min/median)', 'big ms (min/median)', 'big/small (min/median)', 'peak RSS small', 'peak RSS big']];
  for (const tool of new Set(results.map((r) => r.tool))) {
    const s = results.find((r) => r.tool === tool && r.which === 'small');
    const b = results.find((r) => r.tool === tool && r.which === 'big');
    const rss = (r) => (r.rssKiB ? `${(r.rssKiB / 1024).toFixed(1)} MiB` : '-');
    const pair = (r) => `${r.minMs.toFixed(1)} / ${r.ms.toFixed(1)}`;
    rows.push([tool, pair(s), pair(b), `${(b.minMs / s.minMs).toFixed(2)}x / ${(b.ms / s.ms).toFixed(2)}x`, rss(s), rss(b)]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(`  ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}`);
  const io = (which) => results.find((r) => r.reads !== undefined && r.which === which);
  console.log(
    `\n  file reads by readArtifact (below the block cache): small ${io('small').reads} reads / ${io('small').bytes} bytes, big ${io('big').reads} reads / ${io('big').bytes} bytes`,
  );
  const on = (tool) => results.find((r) => r.tool.startsWith(tool) && r.which === 'big');
  console.log(
    `\n  on big, fnnx-kit CLI vs python tarfile: ${(on('fnnx-kit').minMs / on('python').minMs).toFixed(2)}x the time (min), ${(on('fnnx-kit').ms / on('python').ms).toFixed(2)}x (median)`,
  );
}
