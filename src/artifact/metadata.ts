import type { Json } from './json-member.js';
import { metaEntry } from './generated/shapes.js';
import { schemaFailures } from './schema-verdict.js';

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

/**
 * What keeps a metadata entry from the shape schemas/meta-entry.json gives it (empty when it
 * conforms): the schema `validate` checks, compiled, so the reader, append-meta and validate
 * judge an entry alike.
 */
export function entryProblems(entry: { [key: string]: Json }): string[] {
  const problems = new Set<string>();
  for (const e of schemaFailures(metaEntry, entry)) {
    if (e.keyword === 'required') problems.add(`missing "${String(e.params.missingProperty)}"`);
    else problems.add(`"${e.instancePath.split('/')[1] ?? ''}" has the wrong type`);
  }
  return [...problems];
}

export function classifyEntry(entry: { [key: string]: Json }, member: string, index: number): ReadMetaEntry {
  const ok = metaEntry(entry);
  const legacy = !ok && Object.hasOwn(entry, 'tags') && !Object.hasOwn(entry, 'producer') && !Object.hasOwn(entry, 'producer_tags');
  const rawTags = ok ? entry.producer_tags : (entry.tags ?? entry.producer_tags);
  const tags = Array.isArray(rawTags) && rawTags.length > 0 ? rawTags.filter((t): t is string => typeof t === 'string') : NO_TAGS;
  return { entry, member, index, tags, conforms: ok, legacy };
}

/**
 * An entry id that can name a folder under meta_artifacts/: one plain path segment. append-meta
 * refuses any other id and validate reports it (META_ID_UNSAFE): both ask this function.
 */
export function isPathSafeId(id: string): boolean {
  return id !== '' && id !== '.' && id !== '..' && !/[/\\\u0000]/.test(id);
}
