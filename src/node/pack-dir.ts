/** The directory form of an artifact as builder input: root files as stored, every other file streamed. */
import { join } from 'node:path';
import { DEFAULT_JSON_LIMITS, parseJson } from '../artifact/json-member.js';
import { DTYPES, ENV, MANIFEST, META, OPS, ROOT_FILES, VARIANT_CONFIG } from '../artifact/root-files.js';
import { orderedMembers, type ArtifactInput } from '../build/builder.js';
import { assertValidManifest } from '../build/manifest-check.js';
import type { MemberInput } from '../build/member-input.js';
import { ArtifactError, LimitError, UsageError } from '../errors.js';
import type { Diagnostic } from '../validate/diagnostics.js';
import { refuseInvalidResult } from '../validate/would-be.js';
import { DirStore } from './dir-store.js';
import { fileBody } from './file-body.js';

export async function artifactInputFromDir(dir: string): Promise<ArtifactInput> {
  const store = new DirStore(dir);
  const members = await store.members();
  for (const m of members) {
    if (m.kind !== 'file' && m.kind !== 'directory') {
      throw new UsageError('UNSUPPORTED_MEMBER', `is a ${m.kind}; an artifact holds only regular files (links are never followed)`, {
        member: m.name,
      });
    }
  }
  const root = async (name: string): Promise<Uint8Array | undefined> => {
    const size = await store.sizeOf(name);
    if (size === undefined) return undefined;
    const max = DEFAULT_JSON_LIMITS.maxJsonMember;
    if (size > max) throw new LimitError('maxJsonMember', `${size} bytes of JSON is over the limit of ${max}`, { member: name });
    return store.read(name);
  };
  const manifest = await root(MANIFEST);
  if (!manifest) throw new ArtifactError('MISSING_ROOT_FILE', `${dir} has no manifest.json: not an artifact directory`, { member: MANIFEST });
  const dtypes = await root(DTYPES);
  assertValidManifest(parseJson(manifest, MANIFEST), { dtypes: dtypes && parseJson(dtypes, DTYPES) });
  const files: MemberInput[] = [];
  for (const m of members) {
    if (m.kind === 'file' && !(ROOT_FILES as readonly string[]).includes(m.name)) {
      files.push({ name: m.name, body: await fileBody(join(dir, m.name)) });
    }
  }
  return {
    manifest,
    ops: await root(OPS),
    variantConfig: await root(VARIANT_CONFIG),
    dtypes,
    env: await root(ENV),
    meta: await root(META),
    files,
  };
}

const ROOT_VALUE: Record<string, keyof ArtifactInput> = {
  [MANIFEST]: 'manifest',
  [OPS]: 'ops',
  [VARIANT_CONFIG]: 'variantConfig',
  [DTYPES]: 'dtypes',
  [ENV]: 'env',
  [META]: 'meta',
};

/**
 * Runs the validator on the artifact `pack` would write from `dir` (root files as they will be
 * stored, every other file read by range only where a rule needs it: ONNX headers) and refuses
 * what `validate` would call an error, before the output file is created.
 */
export async function refuseInvalidPack(input: ArtifactInput, dir: string): Promise<void> {
  const blame = (d: Diagnostic) => {
    const skip = 'or pack --no-check to write it anyway';
    if (d.member === null) return { place: dir, fix: `fix the folder ${dir}, ${skip}` };
    const place = join(dir, d.member);
    const root = ROOT_VALUE[d.member];
    // A root file the folder lacks is written empty ({} or []): say so, not only what the empty one lacks.
    if (root !== undefined && input[root] === undefined) return { place, fix: `${dir} has no ${d.member} (pack would write an empty one): add it, ${skip}` };
    return { place, fix: `fix ${place}, ${skip}` };
  };
  await refuseInvalidResult({ planned: orderedMembers(input), label: dir, refuse: 'error', blame });
}
