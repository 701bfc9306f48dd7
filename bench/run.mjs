/**
 * Runs every benchmark in turn (each prints its own table of ratios), or those named:
 *   node bench/run.mjs [inspect remote-inspect describe pack validate download web-hash]
 * Benchmarks are measurements, not tests: they never fail on a figure.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ALL = ['inspect', 'remote-inspect', 'describe', 'pack', 'validate', 'download', 'web-hash'];
const chosen = process.argv.slice(2).length ? process.argv.slice(2) : ALL;
let failed = 0;
for (const name of chosen) {
  if (!ALL.includes(name)) {
    console.error(`unknown benchmark "${name}"; known: ${ALL.join(', ')}`);
    process.exit(2);
  }
  console.log(`\n=== ${name} ===`);
  const file = fileURLToPath(new URL(`./${name}.mjs`, import.meta.url));
  const r = spawnSync(process.execPath, [file], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
