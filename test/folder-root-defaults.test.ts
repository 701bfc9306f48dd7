/**
 * pack and validate judge a folder the same way: a root file the folder lacks (but manifest.json)
 * is filled in empty by pack, and validate checks the folder so filled in, saying which it filled.
 */
import { describe, expect, it } from 'vitest';
import { artifactInputFromDir, refuseInvalidPack } from '../src/node/pack-dir.js';
import { validateTarget } from '../src/node/validate.js';
import { soundPipeline, soundPyfunc, writeDirArtifact, type Members } from './helpers/validate-artifact.js';

function without(members: Members, name: string): Members {
  const { [name]: _gone, ...rest } = members;
  return rest;
}

/** What pack says of the folder: undefined when it would write it, else the refusal's code. */
async function packCode(dir: string): Promise<string | undefined> {
  try {
    await refuseInvalidPack(await artifactInputFromDir(dir), dir);
    return undefined;
  } catch (e) {
    return (e as { code: string }).code;
  }
}

describe('a folder without a root file: pack and validate agree', () => {
  const accepted: Array<[string, () => Members]> = [
    ['ops.json', soundPyfunc],
    ['env.json', soundPipeline],
    ['meta.json', soundPipeline],
    ['dtypes.json', soundPipeline],
  ];
  for (const [name, sound] of accepted) {
    it(`without ${name}: pack writes it empty, validate accepts and notes ROOT_FILE_DEFAULTED`, async () => {
      const dir = writeDirArtifact(without(sound(), name));
      expect(await packCode(dir)).toBeUndefined();
      const report = await validateTarget(dir, { strict: true });
      expect(report.valid).toBe(true);
      const notes = report.diagnostics.filter((d) => d.code === 'ROOT_FILE_DEFAULTED');
      expect(notes).toEqual([expect.objectContaining({ severity: 'info', member: name })]);
    });
  }

  it("without a pipeline's ops.json: both refuse, with the same code", async () => {
    const dir = writeDirArtifact(without(soundPipeline(), 'ops.json'));
    const code = await packCode(dir);
    expect(code).toBeDefined();
    const report = await validateTarget(dir);
    expect(report.valid).toBe(false);
    expect(report.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toContain(code);
  });

  it('without manifest.json: still ROOT_FILE_MISSING to both (nothing is filled in for it)', async () => {
    const dir = writeDirArtifact(without(without(soundPipeline(), 'manifest.json'), 'env.json'));
    expect(await packCode(dir)).toBe('ROOT_FILE_MISSING');
    const report = await validateTarget(dir);
    expect(report.diagnostics.map((d) => d.code)).toContain('ROOT_FILE_MISSING');
    expect(report.diagnostics.filter((d) => d.code === 'ROOT_FILE_DEFAULTED').map((d) => d.member)).toEqual(['env.json']);
  });
});
