import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
export const CORPUS_TAR = join(FIXTURES, 'corpus/onnx_pipeline.fnnx.tar');
export const CORPUS_DIR = join(FIXTURES, 'corpus/onnx_pipeline.fnnx');
export const TESTOP_DIR = join(FIXTURES, 'corpus/model_testop_dynattrs.fnnx');

export function tempDir(prefix = 'fnnx-kit-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
