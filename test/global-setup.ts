import { spawnSync } from 'node:child_process';

/**
 * The CLI tests run bin/fnnx-kit.js, which loads dist/. Build once before any test so they
 * exercise the current sources (CI has built already in `npm ci`; this is a cheap repeat).
 */
export default function setup(): void {
  const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  if (r.status !== 0) {
    throw new Error('TypeScript build failed: fix the errors above before running the tests');
  }
}
