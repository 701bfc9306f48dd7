/**
 * Runs the benchmarks in turn (each prints its own table of ratios), or those named:
 *   node bench/run.mjs [inspect remote-inspect describe pack validate download web-hash card-read startup upload]
 * Without names it runs all but `upload` (minutes of multipart uploads to a local S3 and Azure).
 * Benchmarks are measurements, not tests: they never fail on a figure.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const DEFAULT = ['inspect', 'remote-inspect', 'describe', 'pack', 'validate', 'download', 'web-hash', 'card-read', 'startup'];
const KNOWN = [...DEFAULT, 'upload'];
const chosen = process.argv.slice(2).length ? process.argv.slice(2) : DEFAULT;
const unknown = chosen.filter((name) => !KNOWN.includes(name));
if (unknown.length) {
  console.error(`unknown benchmark "${unknown[0]}"; known: ${KNOWN.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const name of chosen) {
  console.log(`\n=== ${name} ===`);
  const file = fileURLToPath(new URL(`./${name}.mjs`, import.meta.url));
  const r = spawnSync(process.execPath, [file], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
