/**
 * Keys the format does not define. Extra keys are allowed (readers ignore them), so these are
 * notes; but a typo such as "verison" silently drops the value, so each note names the nearest
 * known key. The known keys come from the schemas (generated/known-keys.ts).
 */
import { isObject, type Json } from '../artifact/json-member.js';
import { suggestSimilar } from '../suggest.js';
import { child, diag, FindingList, type Diagnostic, type Place } from './diagnostics.js';
import { KNOWN_KEYS } from './generated/known-keys.js';

export type KeyedObject = keyof typeof KNOWN_KEYS;

const WHAT: Record<KeyedObject, string> = {
  manifest: 'the manifest',
  io: 'an input or output',
  op: 'an op',
  metaEntry: 'a metadata entry',
};

/** One note per key of `value` that the schema of `kind` does not name. */
export function unknownKeyRules(value: Json, kind: KeyedObject, at: Place): Diagnostic[] {
  if (!isObject(value)) return [];
  const known: readonly string[] = KNOWN_KEYS[kind];
  const out: Diagnostic[] = [];
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const near = suggestSimilar(key, known);
    const message = `unknown key "${key}" in ${WHAT[kind]}: readers ignore it${near ? `. ${near}` : ''}`;
    out.push(diag('UNKNOWN_KEY', 'info', message, child(at, key)));
  }
  return out;
}

/**
 * The manifest's keys, each input's and output's, and each op's: capped like every rule with
 * many findings (FindingList), so a manifest of a million stray keys costs a count, not a list.
 */
export function rootKeyRules(manifest: Json | undefined, manifestAt: Place, ops: readonly Json[] | undefined, opsAt: Place): Diagnostic[] {
  const out = new FindingList();
  const add = (value: Json, kind: KeyedObject, at: Place) => {
    for (const d of unknownKeyRules(value, kind, at)) out.push(d);
  };
  if (manifest !== undefined) {
    add(manifest, 'manifest', manifestAt);
    for (const side of ['inputs', 'outputs'] as const) {
      const entries = isObject(manifest) ? manifest[side] : undefined;
      if (Array.isArray(entries)) entries.forEach((e, i) => add(e, 'io', child(manifestAt, side, i)));
    }
  }
  ops?.forEach((op, i) => add(op, 'op', child(opsAt, i)));
  return out.list();
}
