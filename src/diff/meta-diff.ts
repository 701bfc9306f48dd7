/** Metadata entries by id, the registry's metrics, and the newest model card. */
import type { Json } from '../artifact/json-member.js';
import type { ReadMetaEntry } from '../artifact/metadata.js';
import { change, own, pointer, same, unionKeys, type Change } from './change.js';
import type { ArtifactSnapshot } from './snapshot.js';

/**
 * Effective metadata entries: by id where an entry has one (a repeated id gets `#2`, `#3`: appends
 * may repeat one), else by its place (member, index). Places need no key string per entry: a
 * sidecar may hold half a million entries a side, and building and hashing a key for each cost
 * more time and memory than reading them.
 */
export interface MetaEntries {
  byId: Map<string, Json>;
  /** Member → its id-less entries at their indexes (holes where an entry had an id). */
  byPlace: Map<string, Json[]>;
}

/** The snapshot keeps only these, not the reader's wrappers. */
export function metaEntries(entries: readonly ReadMetaEntry[]): MetaEntries {
  const byId = new Map<string, Json>();
  const byPlace = new Map<string, Json[]>();
  const repeats = new Map<string, number>();
  for (const e of entries) {
    const id = own(e.entry, 'id');
    if (typeof id !== 'string') {
      let list = byPlace.get(e.member);
      if (!list) byPlace.set(e.member, (list = []));
      list[e.index] = e.entry;
      continue;
    }
    let key = id;
    if (byId.has(id)) {
      const n = (repeats.get(id) ?? 1) + 1;
      repeats.set(id, n);
      key = `${id}#${n}`;
    }
    byId.set(key, e.entry);
  }
  return { byId, byPlace };
}

export function diffMetadata(x: MetaEntries, y: MetaEntries): Change[] {
  const out: Change[] = [];
  const add = (c: Change | undefined) => void (c && out.push(c));
  for (const [id, e] of x.byId) add(entryChange(e, y.byId.get(id), () => id));
  for (const [id, f] of y.byId) if (!x.byId.has(id)) add(entryChange(undefined, f, () => id));
  for (const member of new Set([...x.byPlace.keys(), ...y.byPlace.keys()])) {
    const [a, b] = [x.byPlace.get(member) ?? [], y.byPlace.get(member) ?? []];
    for (let i = 0; i < Math.max(a.length, b.length); i++) add(entryChange(a[i], b[i], () => `${member}#${i}`));
  }
  return out;
}

/** The change between one entry's two sides, if any; its pointer is built only for a change. */
function entryChange(e: Json | undefined, f: Json | undefined, name: () => string): Change | undefined {
  if (e === undefined && f === undefined) return undefined;
  if (f === undefined) return change('meta-entry-removed', pointer('metadata', name()), e, undefined);
  if (e === undefined) return change('meta-entry-added', pointer('metadata', name()), undefined, f);
  return same(e, f) ? undefined : change('meta-entry-changed', pointer('metadata', name()), e, f);
}

export function diffMetrics(a: { [key: string]: Json }, b: { [key: string]: Json }): Change[] {
  const out: Change[] = [];
  for (const key of unionKeys(a, b)) {
    const [v0, v1] = [own(a, key), own(b, key)];
    if (same(v0, v1)) continue;
    const rule = v0 === undefined ? 'metric-added' : v1 === undefined ? 'metric-removed' : 'metric-changed';
    out.push(change(rule, pointer('metrics', key), v0, v1));
  }
  return out;
}

/** Content hashes by side, for the members `--content` read (name → SHA-256 hex). */
export interface ContentHashes {
  before: Map<string, string>;
  after: Map<string, string>;
}

export function diffCard(a: ArtifactSnapshot, b: ArtifactSnapshot, hashes?: ContentHashes): Change[] {
  const card = (s: ArtifactSnapshot, h?: Map<string, string>): Json =>
    s.card ? { member: s.card.member, size: s.card.size, ...(h?.has(s.card.member) ? { sha256: h.get(s.card.member)! } : {}) } : null;
  const [x, y] = [card(a, hashes?.before), card(b, hashes?.after)];
  if (x === null && y === null) return [];
  if (x === null) return [change('card-added', pointer('card'), null, y)];
  if (y === null) return [change('card-removed', pointer('card'), x, null)];
  // With content, a card re-appended under a new id but with the same page is not a change.
  const key = (c: Json) =>
    (own(c, 'sha256') !== undefined ? [own(c, 'size'), own(c, 'sha256')] : [own(c, 'member'), own(c, 'size')]) as Json;
  return same(key(x), key(y)) ? [] : [change('card-changed', pointer('card'), x, y)];
}
