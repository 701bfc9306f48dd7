/**
 * One side of a diff as plain data, loaded through the same reader every command uses
 * (readArtifact over any member store), so it has the same limits and errors.
 */
import type { Json, JsonObject } from '../artifact/json-member.js';
import type { MemberStore } from '../artifact/member-store.js';
import { newestCard } from '../artifact/model-card.js';
import { readArtifact, type ReadOptions, type Warning } from '../artifact/reader.js';
import { metaEntries, type MetaEntries } from './meta-diff.js';

export interface ArtifactSnapshot {
  label: string;
  /** The effective manifest (patches applied). */
  manifest: JsonObject;
  ops: Json[];
  variantConfig: JsonObject;
  dtypes: JsonObject;
  env: JsonObject;
  /** Effective metadata entries, by id or by place (meta-diff.ts). */
  metadata: MetaEntries;
  metrics: JsonObject;
  /** Regular files after last-wins: name → size. */
  files: Map<string, number>;
  /** The newest model card's member, as the registry's page finds it. */
  card?: { member: string; size: number };
  /** The reader's warnings: a metadata file it skipped shows as entries removed, and this says why. */
  warnings: Warning[];
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
