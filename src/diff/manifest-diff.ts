/** The effective manifest beyond its IO: variant, dynamic attributes, env vars, descriptive fields. */
import type { JsonObject } from '../artifact/json-member.js';
import { change, keyed, own, pointer, same, unionKeys, type Change } from './change.js';
import type { DiffRuleId } from './rules.js';
import { diffIo } from './io-diff.js';

/** Keys compared by their own rules; every other key is descriptive (manifest-info-changed). */
const STRUCTURAL = new Set(['inputs', 'outputs', 'variant', 'dynamic_attributes', 'env_vars']);

export function diffManifest(a: JsonObject, b: JsonObject): Change[] {
  const out = [...diffIo('inputs', own(a, 'inputs'), own(b, 'inputs')), ...diffIo('outputs', own(a, 'outputs'), own(b, 'outputs'))];
  if (!same(own(a, 'variant'), own(b, 'variant')))
    out.push(change('variant-changed', pointer('variant'), own(a, 'variant'), own(b, 'variant')));
  out.push(...diffVars('dynamic_attributes', 'dynamic-attribute-added', 'dynamic-attribute-removed', a, b));
  out.push(...diffVars('env_vars', 'env-var-added', 'env-var-removed', a, b));
  for (const key of unionKeys(a, b)) {
    if (STRUCTURAL.has(key)) continue;
    const [x, y] = [own(a, key), own(b, key)];
    if (!same(x ?? null, y ?? null)) out.push(change('manifest-info-changed', pointer('manifest', key), x, y));
  }
  return out;
}

function diffVars(key: string, added: DiffRuleId, removed: DiffRuleId, a: JsonObject, b: JsonObject): Change[] {
  const x = keyed(own(a, key), 'name');
  const y = keyed(own(b, key), 'name');
  const out: Change[] = [];
  for (const [name, v] of x) {
    const w = y.get(name);
    if (w === undefined) out.push(change(removed, pointer(key, name), v, undefined));
    else if (!same(v, w)) out.push(change('manifest-info-changed', pointer(key, name), v, w));
  }
  for (const [name, w] of y) if (!x.has(name)) out.push(change(added, pointer(key, name), undefined, w));
  return out;
}
