/** The manifest: its schema, unique IO names, and every IO entry's dtype. */
import { isObject, type Json } from '../artifact/json-member.js';
import { MANIFEST } from '../artifact/root-files.js';
import { child, diag, type Diagnostic, type Place, pushAll } from './diagnostics.js';
import { checkJsonDtype, checkNdDtype, customDtypeNames } from './dtype-rules.js';
import { checkSchema } from './schema-check.js';

export interface ManifestCheckOptions {
  /** dtypes.json, when known: then custom dtype references are checked too. */
  dtypes?: Json;
  /** The member to name in diagnostics (default manifest.json). */
  member?: string;
}

/**
 * Every finding about a manifest object on its own (no other member needed, except dtypes.json
 * for custom dtype references). Usable before an artifact exists, e.g. on a patched manifest.
 */
export function validateManifest(manifest: Json, options: ManifestCheckOptions = {}): Diagnostic[] {
  const at: Place = { member: options.member ?? MANIFEST, pointer: '' };
  const custom = options.dtypes === undefined ? undefined : customDtypeNames(options.dtypes);
  const out = checkSchema('manifest', manifest, at, 'MANIFEST_SCHEMA');
  if (!isObject(manifest)) return out;
  for (const side of ['inputs', 'outputs'] as const) {
    const entries = manifest[side];
    if (!Array.isArray(entries)) continue;
    pushAll(out, uniqueNames(entries, side, child(at, side)));
    entries.forEach((entry, i) => pushAll(out, ioDtype(entry, custom, child(at, side, i))));
  }
  return out;
}

function uniqueNames(entries: Json[], side: string, at: Place): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  entries.forEach((e, i) => {
    if (!isObject(e) || typeof e.name !== 'string') return;
    if (seen.has(e.name)) {
      out.push(diag('IO_NAME_DUPLICATE', 'error', `${side} name "${e.name}" is declared more than once`, child(at, i, 'name')));
    }
    seen.add(e.name);
  });
  return out;
}

function ioDtype(entry: Json, custom: ReadonlySet<string> | undefined, at: Place): Diagnostic[] {
  if (!isObject(entry) || typeof entry.dtype !== 'string') return [];
  const where = child(at, 'dtype');
  if (entry.content_type === 'NDJSON') return checkNdDtype(entry.dtype, custom, where);
  if (entry.content_type !== 'JSON') return [];
  const out = checkJsonDtype(entry.dtype, custom, where);
  if (Object.hasOwn(entry, 'shape')) {
    out.push(
      diag('JSON_IO_SHAPE', 'warning', 'a JSON entry has no shape: producers must not declare one (readers ignore it)', child(at, 'shape')),
    );
  }
  return out;
}
