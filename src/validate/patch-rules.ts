/**
 * Manifest patches: each an RFC 6902 array of add/replace only, applicable in byte order of
 * name, and together leaving a manifest that is still valid.
 */
import type { Json } from '../artifact/json-member.js';
import { isObject } from '../artifact/json-member.js';
import { checkPatch, PatchedDocument } from '../artifact/patches.js';
import { FnnxError } from '../errors.js';
import { diag, type Diagnostic, pushAll } from './diagnostics.js';
import type { JsonObject } from './context.js';
import { validateManifest } from './manifest-rules.js';
import { checkSchema } from './schema-check.js';

export interface PatchFile {
  member: string;
  doc: Json;
}

export interface PatchOutcome {
  manifest: JsonObject;
  diagnostics: Diagnostic[];
}

export function patchRules(stored: JsonObject, patches: PatchFile[], dtypes: Json | undefined): PatchOutcome {
  const out: Diagnostic[] = [];
  const patched = new PatchedDocument(stored);
  for (const { member, doc } of patches) {
    const shape = checkSchema('manifestPatch', doc, { member, pointer: '' }, 'PATCH_INVALID', (e) =>
      /^\/\d+\/op$/.test(e.instancePath) && e.keyword === 'enum' ? 'PATCH_OP_NOT_ALLOWED' : undefined,
    );
    pushAll(out, shape);
    if (shape.length) continue;
    try {
      patched.apply(checkPatch(doc, member), member);
    } catch (e) {
      if (!(e instanceof FnnxError)) throw e;
      out.push(diag('PATCH_NOT_APPLICABLE', 'error', e.message, { member, pointer: '' }));
    }
  }
  const manifest = patched.root;
  if (!isObject(manifest)) return { manifest: stored, diagnostics: out };
  if (patches.length) pushAll(out, resultRules(stored, manifest, patches.at(-1)!.member, dtypes));
  return { manifest, diagnostics: out };
}

/** Findings the patches introduced: attributed to the last patch, since only the result counts. */
function resultRules(stored: JsonObject, effective: JsonObject, lastPatch: string, dtypes: Json | undefined): Diagnostic[] {
  const key = (d: Diagnostic) => `${d.code} ${d.pointer} ${d.message}`;
  const before = new Set(validateManifest(stored, { dtypes }).map(key));
  return validateManifest(effective, { dtypes })
    .filter((d) => !before.has(key(d)))
    .map((d) =>
      d.severity === 'error'
        ? diag('PATCH_RESULT_INVALID', 'error', `after patching, the manifest breaks a rule (${d.code}): ${d.message}`, {
            member: lastPatch,
            pointer: d.pointer,
          })
        : { ...d, member: lastPatch, message: `after patching: ${d.message}` },
    );
}
