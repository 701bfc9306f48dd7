/**
 * diffArtifacts: what changed from one artifact to another, each change classified by the rules
 * table (rules.ts). Both sides are read through the ordinary reader (any member store: a tar file,
 * a directory, a Blob, a URL read by range), so a diff reads the root files and the tar headers,
 * and member bytes only for `content`.
 */
import type { MemberStore } from '../artifact/member-store.js';
import type { Warning } from '../artifact/reader.js';
import { AbortError, FnnxError } from '../errors.js';
import type { JsonLimits } from '../artifact/json-member.js';
import type { HasherFactory } from '../hash/hasher.js';
import { wasmHasher } from '../hash/wasm-hasher.js';
import type { Change } from './change.js';
import { diffManifest } from './manifest-diff.js';
import { diffCard, diffMetadata, diffMetrics, type ContentHashes } from './meta-diff.js';
import { diffMembers, membersToHash } from './members-diff.js';
import { diffOps } from './ops-diff.js';
import { diffDtypes, diffEnv, diffVariantConfig } from './roots-diff.js';
import { KIND_ORDER, type ChangeKind } from './rules.js';
import { snapshotOf, type ArtifactSnapshot } from './snapshot.js';

export interface DiffOptions {
  /** Hash the members whose names and sizes agree (and the newest cards) to find changed bytes. */
  content?: boolean;
  /** SHA-256 for `content`; defaults to the WebAssembly hasher (Node's CLI passes node:crypto's). */
  hasher?: HasherFactory;
  limits?: Partial<JsonLimits>;
  signal?: AbortSignal;
}

export interface DiffReport {
  old: string;
  new: string;
  /** Whether member contents were compared (`content`), or sizes only. */
  content: boolean;
  counts: Record<ChangeKind, number>;
  changes: Change[];
  /** Each side's reader warnings (skipped metadata files or entries), as `inspect` shows them. */
  warnings: { old: Warning[]; new: Warning[] };
}

/**
 * Reads both sides (at the same time) and compares them. A side that cannot be read rejects with
 * the reader's error (its code, kind, member and hint; the original as `cause`), its message
 * starting with the side: `old artifact: ...` or `new artifact: ...`.
 */
export async function diffArtifacts(before: MemberStore, after: MemberStore, options: DiffOptions = {}): Promise<DiffReport> {
  const read = { limits: options.limits, signal: options.signal };
  // One side after the other: the reader's peak (a big sidecar being parsed) is paid one side at a
  // time, and a snapshot keeps less than the reader's result. A URL side costs one more round trip.
  const a = await onSide('old', snapshotOf(before, read));
  const b = await onSide('new', snapshotOf(after, read));
  let hashes: ContentHashes | undefined;
  if (options.content) {
    const want = membersToHash(a, b);
    const factory = options.hasher ?? wasmHasher;
    const [x, y] = await Promise.all([
      onSide('old', hashMembers(before, want.before, factory, options.signal)),
      onSide('new', hashMembers(after, want.after, factory, options.signal)),
    ]);
    hashes = { before: x, after: y };
  }
  return diffSnapshots(a, b, hashes);
}

/** The comparison alone, on snapshots already read. */
export function diffSnapshots(a: ArtifactSnapshot, b: ArtifactSnapshot, hashes?: ContentHashes): DiffReport {
  const changes = [
    ...diffManifest(a.manifest, b.manifest),
    ...diffVariantConfig(a.variantConfig, b.variantConfig),
    ...diffOps(a.ops, b.ops),
    ...diffDtypes(a.dtypes, b.dtypes),
    ...diffEnv(a.env, b.env),
    ...diffMetadata(a.metadata, b.metadata),
    ...diffMetrics(a.metrics, b.metrics),
    ...diffCard(a, b, hashes),
    ...diffMembers(a.files, b.files, hashes),
  ];
  const counts: Record<ChangeKind, number> = { breaking: 0, compatible: 0, info: 0 };
  for (const c of changes) counts[c.kind]++;
  return { old: a.label, new: b.label, content: hashes !== undefined, counts, changes, warnings: { old: a.warnings, new: b.warnings } };
}

/** Whether a report holds a change at or above `level` (`--fail-on`): any ⊃ compatible ⊃ breaking. */
export function tripsFailOn(report: DiffReport, level: 'breaking' | 'compatible' | 'any'): boolean {
  const kinds: readonly ChangeKind[] = level === 'any' ? KIND_ORDER : KIND_ORDER.slice(0, KIND_ORDER.indexOf(level) + 1);
  return kinds.some((k) => report.counts[k] > 0);
}

async function hashMembers(
  store: MemberStore,
  names: readonly string[],
  factory: HasherFactory,
  signal?: AbortSignal,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of names) {
    const h = await factory('sha256');
    for await (const chunk of store.stream(name, { signal })) h.update(chunk);
    out.set(name, h.digestHex());
  }
  return out;
}

/** The reader's error for one side, saying which; an abort stays the abort it is. The CLI opens each side through it too. */
export async function onSide<T>(side: 'old' | 'new', work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (!(e instanceof FnnxError) || e instanceof AbortError) throw e;
    throw new FnnxError(e.code, e.kind, `${side} artifact: ${e.message}`, { member: e.member, hint: e.hint, cause: e });
  }
}
