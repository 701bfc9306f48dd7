import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtFromCurrentInputs, writeStamp } from '../scripts/build-inputs.mjs';

/**
 * The CLI tests run bin/fnnx-kit.cjs, which loads the bundle of dist/ (scripts/bundle-cli.mjs).
 * Build both before any test so they exercise the current sources, but only when a build input
 * changed since dist/ was last built (scripts/build-inputs.mjs): a run on unchanged sources starts
 * testing at once, and CI's `npm ci` has built already.
 */
export function buildDist(): void {
  if (builtFromCurrentInputs()) return;
  for (const [cmd, args] of [
    ['npx', ['tsc', '-p', 'tsconfig.build.json']],
    [process.execPath, ['scripts/bundle-cli.mjs']],
  ] as const) {
    const r = spawnSync(cmd, args, { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`${[cmd, ...args].join(' ')} failed: fix the errors above before running the tests`);
  }
  writeStamp();
}

/**
 * Points TMPDIR (os.tmpdir(), Python's tempfile, every child process) at a fresh folder for this
 * run, and returns the teardown that fails the run if any `fnnx-*` entry is left in it: every
 * test removes what it made. The folder itself is removed either way, so no run leaves garbage.
 * Both projects call this; the first one owns the folder.
 */
export function isolateTempDir(): () => void {
  if (process.env.FNNX_TEST_TMPDIR) return () => {};
  const runDir = mkdtempSync(join(tmpdir(), 'fnnx-test-run-'));
  process.env.FNNX_TEST_TMPDIR = runDir;
  process.env.TMPDIR = runDir;
  // Node ≥ 22.1 keeps the CLI's compile cache in the temporary folder: pin it to the run's folder,
  // so a test that gives a child its own TMPDIR finds there only what the child made.
  process.env.NODE_COMPILE_CACHE ??= join(runDir, 'node-compile-cache');
  return () => {
    const left = readdirSync(runDir).filter((name) => name.startsWith('fnnx-'));
    rmSync(runDir, { recursive: true, force: true, maxRetries: 3 });
    if (left.length > 0) {
      // vitest logs an error thrown here but still exits 0: set the exit status ourselves.
      process.exitCode = 1;
      console.error(
        `\nFAIL: tests left ${left.length} fnnx-* entries in the temporary folder (each test must remove what it made): ${left.slice(0, 20).join(', ')}\n`,
      );
    }
  };
}

export default function setup(): () => void {
  buildDist();
  return isolateTempDir();
}
