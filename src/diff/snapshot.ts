/**
 * One side of a diff as plain data, loaded through the same reader every command uses
 * (readArtifact over any member store), so it has the same limits and errors.
 */
import type { Json, JsonObject } from '../artifact/json-member.js';
import type { MemberStore } from '../artifact/member-store.js';
import { newestCard } from '../artifact/model-card.js';
import { readArtifact, type ReadOptions, type Warning } from '../artifact/reader.js';
import type { ReadMetaEntry } from '../artifact/metadata.js';
import { own } from './change.js';

export interface ArtifactSnapshot {
  label: string;
  /** The effective manifest (patches applied). */
  manifest: JsonObject;
  ops: Json[];
  variantConfig: JsonObject;
  dtypes: JsonObject;
  env: JsonObject;
  /** Effective metadata entries, by id or by place. */
  metadata: MetaEntries;
  metrics: JsonObject;
  /** Regular files after last-wins: name → size. */
  files: Map<string, number>;
  /** The newest model card's member, as the registry's page finds it. */
  card?: { member: string; size: number };
  /** The reader's warnings: a metadata file it skipped shows as entries removed, and this says why. */
  warnings: Warning[];
}

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
function metaEntries(entries: readonly ReadMetaEntry[]): MetaEntries {
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

export async function snapshotOf(store: MemberStore, options: ReadOptions = {}): Promise<ArtifactSnapshot> {
  const a = await readArtifact(store, options);
  const files = new Map<string, number>();
  for (const [name, [, size]] of Object.entries(a.fileIndex)) files.set(name, size);
  const card = newestCard(a.members);
  return {
    label: store.label,
    manifest: a.manifest,
    ops: a.ops,
    variantConfig: a.variantConfig,
    dtypes: a.dtypes,
    env: a.env,
    metadata: metaEntries(a.metadata),
    metrics: a.metrics,
    files,
    card: card ? { member: card.name, size: card.size } : undefined,
    warnings: a.warnings,
  };
}
