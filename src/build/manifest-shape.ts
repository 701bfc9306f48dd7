/**
 * A manifest's required keys and their JSON types: the check the builder and the appenders run
 * before writing, so they never produce an artifact whose manifest a reader must reject.
 */
import { isObject, type Json } from '../artifact/json-member.js';

const REQUIRED: Array<[string, 'string' | 'string[]' | 'array']> = [
  ['variant', 'string'],
  ['producer_name', 'string'],
  ['producer_version', 'string'],
  ['producer_tags', 'string[]'],
  ['inputs', 'array'],
  ['outputs', 'array'],
  ['dynamic_attributes', 'array'],
  ['env_vars', 'array'],
];

/** What is structurally wrong with a manifest, one phrase each; empty when nothing is. */
export function manifestShapeProblems(manifest: Json): string[] {
  if (!isObject(manifest)) return ['the manifest is not a JSON object'];
  const problems: string[] = [];
  for (const [key, type] of REQUIRED) {
    const v = manifest[key];
    const ok =
      type === 'string' ? typeof v === 'string' : type === 'array' ? Array.isArray(v) : Array.isArray(v) && v.every((t) => typeof t === 'string');
    if (!ok) problems.push(v === undefined ? `"${key}" is missing` : `"${key}" must be ${type === 'string[]' ? 'an array of strings' : `a${type === 'array' ? 'n array' : ' string'}`}`);
  }
  return problems;
}
