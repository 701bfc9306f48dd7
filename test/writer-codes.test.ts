/**
 * A writer's refusal carries the code validate gives the same fact. The cases below are checked
 * against the manifest rules' own source: a new error finding without a case here fails the walk.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { artifactInputFromDir } from '../src/node/pack-dir.js';
import { validateTarget } from '../src/node/validate.js';
import { io, soundPipeline, writeDirArtifact } from './helpers/validate-artifact.js';

const ROOT = join(import.meta.dirname, '..');

type Manifest = Record<string, unknown>;

const CASES: Record<string, (m: Manifest) => void> = {
  MANIFEST_SCHEMA: (m) => delete m.producer_name,
  IO_NAME_DUPLICATE: (m) => (m.inputs = [io('x'), io('x')]),
  DTYPE_SYNTAX: (m) => (m.inputs = [io('x', 'Array[float32')]),
  DTYPE_CONTAINER_OF_ARRAY: (m) => (m.inputs = [io('x', 'NDContainer[Array[float32]]')]),
  DTYPE_UNDEFINED: (m) => (m.inputs = [io('x', 'NDContainer[ext::nope]')]),
  DTYPE_JSON_NOT_CUSTOM: (m) => (m.inputs = [{ name: 'x', content_type: 'JSON', dtype: 'Array[float32]' }]),
};

/** The error codes validateManifest can report: its own rules and the dtype rules it calls, plus the schema's. */
function manifestErrorCodes(): string[] {
  const sources = ['manifest-rules.ts', 'dtype-rules.ts'].map((f) => readFileSync(join(ROOT, 'src/validate', f), 'utf8'));
  const found = sources.flatMap((s) => [...s.matchAll(/diag\(\s*'([A-Z_]+)',\s*'error'/g)].map((m) => m[1]!));
  return [...new Set(['MANIFEST_SCHEMA', ...found])].sort();
}

describe("writers refuse a manifest with validate's code", () => {
  it('has a case for every error finding the manifest rules can report', () => {
    expect(Object.keys(CASES).sort()).toEqual(manifestErrorCodes());
  });

  for (const [code, breakIt] of Object.entries(CASES)) {
    it(`${code}: pack refuses with it, and validate reports it as an error on the same folder`, async () => {
      const members = soundPipeline();
      breakIt(members['manifest.json'] as Manifest);
      const dir = writeDirArtifact(members);
      await expect(artifactInputFromDir(dir)).rejects.toMatchObject({ code });
      const report = await validateTarget(dir);
      expect(report.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toContain(code);
    });
  }
});
