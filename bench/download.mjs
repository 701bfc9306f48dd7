#!/usr/bin/env node
/**
 * Download of a 1 GiB file from a loopback serve-static server: `fnnx-kit download --sha256`
 * (one pass: hash while writing, verify, rename) against `curl -o` followed by `sha256sum` (two
 * passes), wall time and peak RSS (GNU time %M) of each, as ratios from this one run. Then the
 * resume cost: bytes sent again after a connection dropped at 25% (resumed within the run), and
 * bytes the next run transfers after Ctrl-C at about 25%. Needs `npm run build` first.
 *
 *   node bench/download.mjs [--runs 3]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLoopbackServer } from './lib/loopback-server.mjs';
import { timed } from './lib/measure.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(root, 'bin/fnnx-kit.cjs');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
const SIZE = 2 ** 30;

const dir = mkdtempSync(join(tmpdir(), 'fnnx-bench-dl-'));
const serveDir = join(dir, 'srv');
const server = await (async () => {
  rmSync(serveDir, { recursive: true, force: true });
  await import('node:fs').then((fs) => fs.mkdirSync(serveDir));
  // A hole: the server reads zeros from the page cache; both contenders write and hash 1 GiB alike.
  writeFileSync(join(serveDir, 'model.fnnx'), '');
  truncateSync(join(serveDir, 'model.fnnx'), SIZE);
  return startLoopbackServer(serveDir);
})();
const url = server.url('model.fnnx');
try {
  const sha = (await timed('sha256sum', [join(serveDir, 'model.fnnx')])).out.split(' ')[0];
  const out = (name) => join(dir, name);
  const contenders = {
    'curl -o + sha256sum': async () => {
      const a = await timed('curl', ['-sSf', '-o', out('curl.fnnx'), url]);
      const b = await timed('sha256sum', [out('curl.fnnx')]);
      if (!b.out.startsWith(sha)) throw new Error('curl download hashed wrong');
      rmSync(out('curl.fnnx'));
      return { ms: a.ms + b.ms, rssKiB: Math.max(a.rssKiB, b.rssKiB) };
    },
    'fnnx-kit download --sha256': async () => {
      const r = await timed(process.execPath, [BIN, 'download', url, '-o', out('kit.fnnx'), '--sha256', sha, '--json']);
      rmSync(out('kit.fnnx'));
      return r;
    },
  };
  const samples = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (const run of Object.values(contenders)) await run(); // warm caches once
  for (let i = 0; i < RUNS; i++) for (const [name, run] of Object.entries(contenders)) samples[name].push(await run());

  console.log(`1 GiB download from loopback serve-static, ${RUNS} runs each alternating; node ${process.version}\n`);
  const rows = [['tool', 'time ms (min / median)', 'MiB/s (median)', 'peak RSS']];
  const stat = {};
  for (const [name, s] of Object.entries(samples)) {
    const ms = s.map((x) => x.ms);
    stat[name] = { min: Math.min(...ms), med: median(ms), rss: Math.max(...s.map((x) => x.rssKiB)) };
    rows.push([
      name,
      `${stat[name].min.toFixed(0)} / ${stat[name].med.toFixed(0)}`,
      (1024 / (stat[name].med / 1000)).toFixed(0),
      `${(stat[name].rss / 1024).toFixed(1)} MiB`,
    ]);
  }
  table(rows);
  const [base, kit] = [stat['curl -o + sha256sum'], stat['fnnx-kit download --sha256']];
  console.log(
    `\n  fnnx-kit / (curl + sha256sum): ${(kit.min / base.min).toFixed(2)}x time (min), ${(kit.med / base.med).toFixed(2)}x (median); peak RSS ${(kit.rss / 1024).toFixed(1)} MiB`,
  );

  // Resume within the run: the server cuts the connection at 25%.
  server.reset();
  server.state.dropAfter = SIZE / 4;
  const dropped = JSON.parse(
    (await timed(process.execPath, [BIN, 'download', url, '-o', out('drop.fnnx'), '--sha256', sha, '--json'])).out,
  );
  const again = server.state.requests.slice(1).reduce((n, r) => n + r.bytes, 0);
  console.log(
    `\n  drop at 25%, resumed in the same run: ${server.state.requests.length} requests, ${pct(again)} of the file sent after the drop (${dropped.verified.join('+')} verified)`,
  );
  rmSync(out('drop.fnnx'));

  // Resume on the next run: Ctrl-C once the server has sent about 25%.
  server.reset();
  await interruptedRun(out('int.fnnx'));
  server.reset();
  const second = JSON.parse((await timed(process.execPath, [BIN, 'download', url, '-o', out('int.fnnx'), '--sha256', sha, '--json'])).out);
  console.log(
    `  SIGINT at ~25%, then a second run: resumed from ${pct(second.resumedFrom)}, transferred ${pct(second.transferred)} of the file again (target <= 80%)`,
  );
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}

async function interruptedRun(file) {
  const child = spawn(process.execPath, [BIN, 'download', url, '-o', file], { stdio: 'ignore' });
  const poll = setInterval(() => {
    if ((server.state.requests[0]?.bytes ?? 0) >= SIZE / 4) {
      clearInterval(poll);
      child.kill('SIGINT');
    }
  }, 2);
  await new Promise((resolve) => child.on('close', resolve));
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function pct(n) {
  return `${((100 * n) / SIZE).toFixed(1)}%`;
}

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(`  ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}`);
}
