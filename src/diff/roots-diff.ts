/** variant_config.json, dtypes.json and env.json: objects compared key by key. */
import type { JsonObject } from '../artifact/json-member.js';
import { change, own, pointer, same, unionKeys, type Change } from './change.js';
import type { DiffRuleId } from './rules.js';

interface KeyRules {
  area: string;
  added: DiffRuleId;
  removed: DiffRuleId;
  changed: DiffRuleId;
}

function diffKeys(rules: KeyRules, a: JsonObject, b: JsonObject): Change[] {
  const out: Change[] = [];
  for (const key of unionKeys(a, b)) {
    const [x, y] = [own(a, key), own(b, key)];
    if (same(x, y)) continue;
    const rule = x === undefined ? rules.added : y === undefined ? rules.removed : rules.changed;
    out.push(change(rule, pointer(rules.area, key), x, y));
  }
  return out;
}

export function diffVariantConfig(a: JsonObject, b: JsonObject): Change[] {
  const r: DiffRuleId = 'variant-config-changed';
  return diffKeys({ area: 'variant_config', added: r, removed: r, changed: r }, a, b);
}

export function diffDtypes(a: JsonObject, b: JsonObject): Change[] {
  return diffKeys({ area: 'dtypes', added: 'dtype-added', removed: 'dtype-removed', changed: 'dtype-changed' }, a, b);
}

export function diffEnv(a: JsonObject, b: JsonObject): Change[] {
  return diffKeys({ area: 'env', added: 'env-kind-added', removed: 'env-kind-removed', changed: 'env-changed' }, a, b);
}
