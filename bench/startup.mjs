#!/usr/bin/env node
/**
 * What a command costs on a small artifact (a pre-upload hook runs once per artifact), as a ratio
 * to bare Node start-up (`node -e 0`): `inspect`, `validate` and `describe` of the 30 KiB corpus
 * artifact. Whole processes, alternating round by round, many rounds; the ratio is the median of
 * the per-round ratios, which holds up on a shared machine where absolute times do not.
 *
 * Where NODE_EXTRA_CA_CERTS is set (it is on this project's machines), every Node process reads
 * those certificates at start (Node 20: ~35 ms), which raises bare Node and so flatters every
 * ratio; the bench then runs a second time without it, and that second table is the honest one.
 * Needs `npm run build` first.
 *
 *   node bench/startup.mjs [--runs 30] [--node /path/to/node] [--compare /other/build/bin/fnnx-kit.cjs]
 *
 * --compare adds another build's bin (e.g. a worktree of an older commit) to the same rounds, so
 * before and after are ratios from one run.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alternatingRuns, loadAverage, median, ratio, table, timed } from './lib/measure.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(root, 'bin/fnnx-kit.cjs');
const ARTIFACT = join(root, 'fixtures/corpus/onnx_pipeline.fnnx.tar');
const arg = (name, dflt) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const RUNS = Number(arg('--runs', '30'));
const NODE = arg('--node', process.execPath);
const COMPARE = arg('--compare', undefined);

// describe takes only the registry's extensions: the same bytes under a .fnnx name.
const dir = mkdtempSync(join(tmpdir(), 'fnnx-bench-startup-'));
const UPLOAD = join(dir, 'onnx_pipeline.fnnx');
copyFileSync(ARTIFACT, UPLOAD);
const version = (await timed(NODE, ['--version'])).out.trim();

const { NODE_EXTRA_CA_CERTS, ...withoutCa } = process.env;
const environments = NODE_EXTRA_CA_CERTS
  ? [
      ['environment as given (NODE_EXTRA_CA_CERTS set)', process.env],
      ['without NODE_EXTRA_CA_CERTS', withoutCa],
    ]
  : [['environment as given', process.env]];

for (const [label, env] of environments) {
  const loadBefore = await loadAverage();
  // The corpus artifact has validation errors: validate exits 1 on it, as it should.
  const commands = (bin) => ({
    inspect: () => timed(NODE, [bin, 'inspect', ARTIFACT], { env }),
    validate: () => timed(NODE, [bin, 'validate', ARTIFACT], { exitCodes: [0, 1], env }),
    describe: () => timed(NODE, [bin, 'describe', UPLOAD, '--quiet'], { env }),
  });
  const compared = COMPARE ? Object.entries(commands(COMPARE)).map(([name, run]) => [`${name} (--compare)`, run]) : [];
  const runs = await alternatingRuns(RUNS, {
    bare: () => timed(NODE, ['-e', '0'], { env }),
    ...commands(BIN),
    ...Object.fromEntries(compared),
  });
  const loadAfter = await loadAverage();
  const ms = (rs) => median(rs.map((r) => r.ms)).toFixed(1);
  console.log(`\nNode ${version}, ${label}, ${RUNS} alternating rounds, load average ${loadBefore} → ${loadAfter}:`);
  table([
    ['command', 'wall ms (median)', '÷ node -e 0 (median of rounds)'],
    ['node -e 0', ms(runs.bare), '1.00'],
    ...Object.keys(runs)
      .filter((c) => c !== 'bare')
      .map((c) => [`fnnx-kit ${c} (30 KiB)`, ms(runs[c]), ratio(runs[c], runs.bare).toFixed(2)]),
  ]);
}
rmSync(dir, { recursive: true, force: true });
console.log("  target (Node 22 and 24, from the second run on: Node's compile cache): inspect and validate <= 1.50");
