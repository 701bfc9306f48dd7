/** One change between two artifacts, as `diff --json` prints it and diffArtifacts returns it. */
import { isObject, type Json } from '../artifact/json-member.js';
import { DIFF_RULES, type ChangeKind, type DiffRuleId } from './rules.js';

export interface Change {
  /** Where, as a JSON Pointer into the diff's own tree: `/inputs/x/dtype`, `/members/model.onnx`. */
  path: string;
  kind: ChangeKind;
  /** The old value (null when the thing is new). */
  before: Json;
  /** The new value (null when the thing is gone). */
  after: Json;
  rule: DiffRuleId;
}

/** RFC 6901 escaping: names from an artifact may hold `/` and `~`. */
export function pointer(...segments: string[]): string {
  return segments.map((s) => `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

export function change(rule: DiffRuleId, path: string, before: Json | undefined, after: Json | undefined): Change {
  return { path, kind: DIFF_RULES[rule].kind, before: before ?? null, after: after ?? null, rule };
}

/** JSON text with object keys sorted: two documents are equal when these are. */
export function canonical(value: Json | undefined): string {
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function same(a: Json | undefined, b: Json | undefined): boolean {
  return canonical(a) === canonical(b);
}

/** An own property, never one from Object.prototype (a key named `__proto__` or `toString`). */
export function own(value: Json | undefined, key: string): Json | undefined {
  return isObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}

/**
 * Items of a list keyed by a string field, first occurrence wins; items without one are keyed by
 * position (`#3`), so a malformed list still diffs instead of failing.
 */
export function keyed(list: Json | undefined, field: string): Map<string, Json> {
  const out = new Map<string, Json>();
  if (!Array.isArray(list)) return out;
  list.forEach((item, i) => {
    const k = own(item, field);
    const key = typeof k === 'string' ? k : `#${i}`;
    if (!out.has(key)) out.set(key, item);
  });
  return out;
}

/** Keys of two objects, old ones first then new ones, each once. */
export function unionKeys(a: Json | undefined, b: Json | undefined): string[] {
  const keys = new Set<string>();
  if (isObject(a)) for (const k of Object.keys(a)) keys.add(k);
  if (isObject(b)) for (const k of Object.keys(b)) keys.add(k);
  return [...keys];
}
