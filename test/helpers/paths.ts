import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
export const CORPUS_TAR = join(FIXTURES, 'corpus/onnx_pipeline.fnnx.tar');
export const CORPUS_DIR = join(FIXTURES, 'corpus/onnx_pipeline.fnnx');
export const TESTOP_DIR = join(FIXTURES, 'corpus/model_testop_dynattrs.fnnx');
export const MINIMAL_DIR = join(FIXTURES, 'minimal/model');

/** The directories tempDir made in this test file (each file runs in its own module graph). */
const made = new Set<string>();

/**
 * A fresh directory under the temporary folder, removed after the test file (test/setup-temp.ts
 * runs removeTempDirs in an afterAll). The `fnnx-` prefix is what the run's teardown looks for.
 */
export function tempDir(prefix = 'fnnx-kit-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix.startsWith('fnnx-') ? prefix : `fnnx-${prefix}`));
  made.add(dir);
  return dir;
}

/** Removes every directory tempDir made in this file. */
export function removeTempDirs(): void {
  for (const dir of made) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  made.clear();
}
