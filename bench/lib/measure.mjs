/** Shared by the builder benches: run a command under GNU time (wall ms, peak RSS), median, table. */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/**
 * `exitCodes`: the exit codes that count as a run (validate of an artifact with errors exits 1).
 * `env`: the command's environment (default: this process's).
 */
export function timed(cmd, args, { exitCodes = [0], env = process.env } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '%M %U %S', cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    let err = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (err += b));
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      if (!exitCodes.includes(code)) return reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err}`));
      const [rss, user, sys] = err.trim().split('\n').at(-1).split(' ').map(Number);
      resolve({ ms, out, rssKiB: rss, cpuMs: (user + sys) * 1000, sysMs: sys * 1000 });
    });
  });
}

/**
 * Runs every contender n times, interleaved (A B C A B C …) so that on a shared machine each sees
 * the same load, and returns each one's median run by wall time (with its RSS and CPU time).
 */
export async function medianRuns(n, contenders) {
  const runs = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (let i = 0; i < n; i++) for (const [k, fn] of Object.entries(contenders)) runs[k].push(await fn());
  return Object.fromEntries(Object.entries(runs).map(([k, rs]) => [k, [...rs].sort((a, b) => a.ms - b.ms)[Math.floor(rs.length / 2)]]));
}

/**
 * Runs every contender n times, rotating the order each round (A B C, B C A, …) so none always
 * follows the same neighbour, and returns every run: `ratio` then pairs contenders round by round,
 * which on a shared machine is steadier than comparing two medians taken minutes apart.
 */
export async function alternatingRuns(n, contenders) {
  const names = Object.keys(contenders);
  const runs = Object.fromEntries(names.map((k) => [k, []]));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < names.length; j++) {
      const k = names[(i + j) % names.length];
      runs[k][i] = await contenders[k]();
    }
  }
  return runs;
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Median over rounds of a.ms / b.ms (runs from alternatingRuns). */
export const ratio = (a, b) => median(a.map((r, i) => r.ms / b[i].ms));

/** The machine's 1-minute load average, to print beside figures taken on a shared host. */
export async function loadAverage() {
  const { readFile } = await import('node:fs/promises');
  return (await readFile('/proc/loadavg', 'utf8')).split(' ')[0];
}

/** The header of a summaryRow table; `ratioLabel` names the ratio column. */
export const summaryHeader = (ratioLabel) => ['contender', 'wall s (median)', 'CPU s', 'sys CPU s', 'peak RSS MiB (max)', ratioLabel];

/** One contender's runs as a row: wall, CPU and sys medians in seconds, the largest peak RSS, and the ratio to `base`'s runs. */
export function summaryRow(label, runs, base) {
  const s = (key) => (median(runs.map((r) => r[key])) / 1000).toFixed(2);
  return [label, s('ms'), s('cpuMs'), s('sysMs'), mib(Math.max(...runs.map((r) => r.rssKiB))), ratio(runs, base).toFixed(3)];
}

export function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const r of rows)
    console.log(`  ${r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ')}`);
}

export const gbps = (bytes, ms) => (bytes / 1e9 / (ms / 1000)).toFixed(2);
export const mib = (kib) => (kib / 1024).toFixed(0);

/**
 * openssl's single-core SHA-256 throughput at 16 KiB blocks, bytes per second. `-elapsed` makes
 * it wall-clock time, like every other number here (on a shared machine CPU time would flatter it).
 */
export async function opensslSha256() {
  const { out } = await timed('openssl', ['speed', '-elapsed', '-seconds', '3', '-bytes', '16384', '-evp', 'sha256']);
  const line = out.trim().split('\n').at(-1);
  const k = Number(line.trim().split(/\s+/).at(-1).replace(/k$/, ''));
  return k * 1000;
}
