/** Metadata entries by id, the registry's metrics, and the newest model card. */
import type { Json } from '../artifact/json-member.js';
import { change, own, pointer, same, unionKeys, type Change } from './change.js';
import type { ArtifactSnapshot, MetaEntries } from './snapshot.js';

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
