/** patch-manifest: an RFC 6902 patch (add/replace only) appended as a manifest-<hex>.patch.json. */
import { DEFAULT_JSON_LIMITS, type Json } from '../artifact/json-member.js';
import { checkPatch, checkPatchCount, PatchedDocument } from '../artifact/patches.js';
import type { ArtifactContents } from '../artifact/reader.js';
import { byteOrder } from '../artifact/root-files.js';
import { jsonBytes } from '../build/builder.js';
import type { MemberInput } from '../artifact/member-input.js';
import type { MemberStore } from '../artifact/member-store.js';
import { readJsonMember } from '../artifact/json-member.js';
import { patchName } from './ids.js';

/**
 * Checks the patch, then computes the manifest readers will see once it is appended (every patch,
 * the new one included, in byte order of name, from the stored manifest). Whether that manifest
 * is valid is the validator's call on the whole result: run the planner under checkedPlanner
 * (src/append/checked.ts), as the CLI does, so nothing is written unless it passes.
 */
export async function patchAppendMembers(
  store: MemberStore,
  contents: ArtifactContents,
  patchDoc: Json,
  hex: string,
  options: { source?: string; maxManifestPatches?: number } = {},
): Promise<{ members: MemberInput[]; manifest: { [key: string]: Json } }> {
  const name = patchName(hex);
  // Errors about the new patch name what the user gave (their file), not a sidecar never written.
  const label = options.source ?? name;
  const ops = checkPatch(patchDoc, label);
  const order = [...contents.patches, name].sort(byteOrder);
  // Refused before writing: an artifact this append took past the limit would be refused by every reader.
  checkPatchCount(order.length, options.maxManifestPatches ?? DEFAULT_JSON_LIMITS.maxManifestPatches, label);
  const manifest = new PatchedDocument(contents.storedManifest);
  for (const p of order) {
    manifest.apply(p === name ? ops : checkPatch((await readJsonMember(store, p)) ?? null, p), p === name ? label : p);
  }
  return { members: [{ name, body: jsonBytes(ops as unknown as Json) }], manifest: manifest.root as { [key: string]: Json } };
}
