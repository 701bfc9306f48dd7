/**
 * Strings the registry cannot store. JSON may escape a lone UTF-16 surrogate ("\ud800"), and both
 * JSON.parse and Python's json.loads accept it, but such a string has no UTF-8 form: the registry
 * (Python) fails when it encodes it. One finding per member (the first place, and how many more).
 */
import type { Json } from '../artifact/json-member.js';
import { child, diag, type Diagnostic, type Place } from './diagnostics.js';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function loneSurrogateRules(doc: Json, member: string): Diagnostic[] {
  let first: Place | undefined;
  let count = 0;
  // The keys from the root to the value in hand: a pointer is made only for the first finding.
  const path: Array<string | number> = [];
  const note = () => {
    count++;
    first ??= child({ member, pointer: '' }, ...path);
  };
  // An explicit stack in three arrays (no allocation per value): the depth is bounded by
  // maxJsonDepth, but a stack costs nothing here, and this walk visits every value of every member.
  const values: Json[] = [doc];
  const depths: number[] = [0];
  const keys: Array<string | number> = [''];
  while (values.length > 0) {
    const value = values.pop()!;
    const depth = depths.pop()!;
    const key = keys.pop()!;
    path.length = depth;
    if (depth > 0) path[depth - 1] = key;
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) note();
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) push(value[i]!, depth + 1, i);
    } else if (value !== null && typeof value === 'object') {
      const names = Object.keys(value);
      for (let i = names.length - 1; i >= 0; i--) {
        const k = names[i]!;
        if (LONE_SURROGATE.test(k)) {
          path.length = depth;
          path.push(k);
          note();
        }
        push(value[k]!, depth + 1, k);
      }
    }
  }
  function push(value: Json, depth: number, key: string | number): void {
    values.push(value);
    depths.push(depth);
    keys.push(key);
  }
  if (!first) return [];
  const more = count > 1 ? ` (and ${count - 1} more in this member)` : '';
  return [
    diag(
      'JSON_LONE_SURROGATE',
      'error',
      `a string or key holds a lone UTF-16 surrogate (a "\\ud800"-style escape with no pair), which has no UTF-8 form: the registry cannot store it${more}`,
      first,
    ),
  ];
}
