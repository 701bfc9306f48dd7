import { isObject, type Json } from './json-member.js';

/** An entry as read: conforming or not, with where it came from. */
export interface ReadMetaEntry {
  entry: { [key: string]: Json };
  member: string;
  index: number;
  /** `tags` of the registry SDK's legacy `{id, tags, payload}` shape stand in for producer_tags. */
  tags: readonly string[];
  conforms: boolean;
  /** True for the registry SDK's `{id, tags, payload}` shape. */
  legacy: boolean;
}

/** One frozen list for every entry without tags: a sidecar may hold half a million of them. */
const NO_TAGS: readonly string[] = Object.freeze([]);

const REQUIRED = ['id', 'producer', 'producer_version', 'producer_tags', 'payload'] as const;

/** Missing or mistyped required keys of one entry, by name. */
export function entryProblems(entry: { [key: string]: Json }): string[] {
  const problems: string[] = [];
  for (const key of REQUIRED) {
    const v = Object.hasOwn(entry, key) ? entry[key] : undefined;
    const ok =
      key === 'producer_tags'
        ? Array.isArray(v) && v.every((t) => typeof t === 'string')
        : key === 'payload'
          ? isObject(v)
          : typeof v === 'string';
    if (!ok) problems.push(v === undefined ? `missing "${key}"` : `"${key}" has the wrong type`);
  }
  return problems;
}

export function classifyEntry(entry: { [key: string]: Json }, member: string, index: number): ReadMetaEntry {
  const conforms = entryProblems(entry).length === 0;
  const legacy = !conforms && Object.hasOwn(entry, 'tags') && !Object.hasOwn(entry, 'producer') && !Object.hasOwn(entry, 'producer_tags');
  const rawTags = conforms ? entry.producer_tags : (entry.tags ?? entry.producer_tags);
  const tags = Array.isArray(rawTags) && rawTags.length > 0 ? rawTags.filter((t): t is string => typeof t === 'string') : NO_TAGS;
  return { entry, member, index, tags, conforms, legacy };
}

/**
 * An entry id that can name a folder under meta_artifacts/: one plain path segment. append-meta
 * refuses any other id and validate reports it (META_ID_UNSAFE): both ask this function.
 */
export function isPathSafeId(id: string): boolean {
  return id !== '' && id !== '.' && id !== '..' && !/[/\\\u0000]/.test(id);
}
