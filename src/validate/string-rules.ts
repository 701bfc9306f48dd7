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
  const note = (at: Place) => {
    count++;
    first ??= at;
  };
  // Explicit stack: the depth is bounded by maxJsonDepth, but a stack costs nothing here.
  const stack: Array<[Json, Place]> = [[doc, { member, pointer: '' }]];
  while (stack.length > 0) {
    const [value, at] = stack.pop()!;
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) note(at);
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i]!, child(at, i)]);
    } else if (value !== null && typeof value === 'object') {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        const place = child(at, key);
        if (LONE_SURROGATE.test(key)) note(place);
        stack.push([value[key]!, place]);
      }
    }
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
