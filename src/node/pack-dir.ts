/** The directory form of an artifact as builder input: root files as stored, every other file streamed. */
import { join } from 'node:path';
import { DEFAULT_JSON_LIMITS, parseJson } from '../artifact/json-member.js';
import { DTYPES, ENV, MANIFEST, META, OPS, ROOT_FILES, VARIANT_CONFIG } from '../artifact/root-files.js';
import type { ArtifactInput } from '../build/builder.js';
import { assertValidManifest } from '../build/manifest-check.js';
import type { MemberInput } from '../build/member-input.js';
import { ArtifactError, LimitError, UsageError } from '../errors.js';
import { DirStore } from './dir-store.js';
import { fileBody, type FileBodyOptions } from './file-body.js';

export async function artifactInputFromDir(dir: string, bodies: FileBodyOptions = {}): Promise<ArtifactInput> {
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
      files.push({ name: m.name, body: await fileBody(join(dir, m.name), bodies) });
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
