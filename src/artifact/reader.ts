/**
 * The artifact reader: root files, the effective manifest (patches applied) and the effective
 * metadata (meta.json then sidecars), from any member store.
 */
import { artifactCodeOf, type WarningCode } from '../codes.js';
import { ArtifactError, FnnxError, LimitError } from '../errors.js';
import type { FileIndex } from '../tar/entry.js';
import {
  DEFAULT_JSON_LIMITS,
  budgetedJsonReader,
  isObject,
  type Json,
  type JsonLimits,
  type JsonObject,
  type ParsedMembers,
} from './json-member.js';
import type { MemberInfo, MemberStore } from './member-store.js';
import { classifyEntry, entryProblems, type ReadMetaEntry } from './metadata.js';
import { mayHoldMetrics, registryMetrics } from './metrics.js';
import { applyPatches, checkPatch, checkPatchCount } from './patches.js';
import {
  DTYPES,
  ENV,
  MANIFEST,
  MANIFEST_PATCH,
  META,
  META_SIDECAR,
  OPS,
  OPTIONAL_ROOT_FILES,
  VARIANT_CONFIG,
  byteOrder,
} from './root-files.js';

export interface Warning {
  code: WarningCode;
  message: string;
  member?: string;
}

/**
 * What readArtifact found. The root documents are typed as what readArtifact checked: their JSON
 * type (object, array), not their schema, since inspect must still read an artifact validate()
 * rejects. To use one as a Manifest, Ops, ..., pass it through isDocument or checkDocument
 * (src/validate/documents.ts), which run the format's schemas.
 */
export interface ArtifactContents {
  /** The effective manifest: manifest.json with every patch applied in byte order of name. */
  manifest: JsonObject;
  /** manifest.json as stored, before patches. */
  storedManifest: JsonObject;
  patches: string[];
  ops: Json[];
  variantConfig: JsonObject;
  dtypes: JsonObject;
  env: JsonObject;
  /** Effective metadata: meta.json entries then each sidecar's, conforming or not. */
  metadata: ReadMetaEntry[];
  metrics: JsonObject;
  fileIndex: FileIndex;
  members: MemberInfo[];
  warnings: Warning[];
}

export interface ReadOptions {
  limits?: Partial<JsonLimits>;
  /**
   * Keep only the metadata entries the registry's metrics could come from (`metadata` then holds
   * just those): describe needs the metrics alone, and holding every sidecar's parsed entries made
   * four 63 MiB strings cost it 1.47 GiB.
   */
  metricsOnly?: boolean;
  /** Parses shared with other readings of the same store (see ParsedMembers). */
  parsed?: ParsedMembers;
  signal?: AbortSignal;
}

export async function readArtifact(store: MemberStore, options: ReadOptions = {}): Promise<ArtifactContents> {
  const limits = { ...DEFAULT_JSON_LIMITS, ...options.limits };
  const { signal } = options;
  const warnings = new Warnings();
  const json = budgetedJsonReader(store, limits, signal, options.parsed);
  const storedManifest = expectType(await json(MANIFEST), MANIFEST, 'object') as JsonObject;
  const fileIndex = await store.fileIndex(signal);
  const names = Object.keys(fileIndex).filter((n) => !n.includes('/'));
  const patches = names.filter((n) => MANIFEST_PATCH.test(n)).sort(byteOrder);
  checkPatchCount(patches.length, limits.maxManifestPatches, patches.at(-1));
  const manifest = await effectiveManifest(storedManifest, patches, json);
  const metadata = await effectiveMetadata(names, json, warnings, options.metricsOnly ?? false);
  const producerTags = Array.isArray(manifest.producer_tags) ? manifest.producer_tags.filter((t) => typeof t === 'string') : [];
  return {
    manifest,
    storedManifest,
    patches,
    ops: expectType(await json(OPS), OPS, 'array') as Json[],
    variantConfig: expectType(await json(VARIANT_CONFIG), VARIANT_CONFIG, 'object') as JsonObject,
    dtypes: expectType(await json(DTYPES), DTYPES, 'object') as JsonObject,
    env: expectType(await json(ENV), ENV, 'object') as JsonObject,
    metadata,
    metrics: registryMetrics(producerTags as string[], metadata),
    fileIndex,
    members: await store.members(signal),
    warnings: warnings.list(),
  };
}

function expectType(value: Json | undefined, member: string, type: 'object' | 'array'): Json {
  if (value === undefined) {
    if (OPTIONAL_ROOT_FILES.has(member)) return type === 'array' ? [] : {};
    throw new ArtifactError('ROOT_FILE_MISSING', `required root file is missing`, {
      member,
      hint: 'is this an FNNX artifact? every artifact holds manifest.json, ops.json and variant_config.json',
    });
  }
  const ok = type === 'array' ? Array.isArray(value) : isObject(value);
  if (!ok) throw new ArtifactError('ROOT_FILE_TYPE', `must hold a JSON ${type}`, { member });
  return value;
}

async function effectiveManifest(
  stored: JsonObject,
  patches: string[],
  json: (name: string) => Promise<Json | undefined>,
): Promise<JsonObject> {
  const checked = [];
  for (const name of patches) checked.push({ member: name, ops: checkPatch((await json(name)) ?? null, name) });
  const manifest = applyPatches(stored, checked);
  if (!isObject(manifest))
    throw new ArtifactError('PATCH_RESULT_INVALID', 'patches leave a manifest that is not an object', { member: patches.at(-1) });
  return manifest;
}

/**
 * A metadata file that cannot be read is skipped with a warning: inspect still shows the rest.
 * A limit is not skipped: the artifact as a whole asks for more than we agreed to read.
 */
async function effectiveMetadata(
  rootNames: string[],
  json: (name: string) => Promise<Json | undefined>,
  warnings: Warnings,
  metricsOnly: boolean,
): Promise<ReadMetaEntry[]> {
  const files = [META, ...rootNames.filter((n) => META_SIDECAR.test(n)).sort(byteOrder)];
  const out: ReadMetaEntry[] = [];
  for (const member of files) {
    let doc: Json | undefined;
    try {
      doc = await json(member);
    } catch (e) {
      // A part over a limit stops the read: the limits bound the whole artifact's work, not each part's.
      if (!(e instanceof FnnxError) || e instanceof LimitError) throw e;
      const code = artifactCodeOf(e);
      if (!code) throw e;
      warnings.push(code, () => `skipped: ${e.message}`, member);
      continue;
    }
    if (doc === undefined) continue;
    if (!Array.isArray(doc)) {
      warnings.push('ROOT_FILE_TYPE', () => 'skipped: a metadata file must hold a JSON array', member);
      continue;
    }
    doc.forEach((raw, i) => {
      const read = metaEntry(raw, member, i, warnings);
      if (read && (!metricsOnly || mayHoldMetrics(read))) out.push(read);
    });
  }
  return out;
}

function metaEntry(raw: Json, member: string, i: number, warnings: Warnings): ReadMetaEntry | undefined {
  if (!isObject(raw)) {
    warnings.push('META_ENTRY_NOT_OBJECT', () => `entry ${i} is not an object; skipped`, member);
    return undefined;
  }
  const read = classifyEntry(raw, member, i);
  if (read.legacy) {
    warnings.push(
      'META_ENTRY_LEGACY',
      () => `entry ${i} (${String(raw.id)}) has the legacy {id, tags, payload} shape; kept, with its tags as producer_tags`,
      member,
    );
  } else if (!read.conforms) {
    warnings.push('META_ENTRY_INCOMPLETE', () => `entry ${i}: ${entryProblems(raw).join(', ')}`, member);
  }
  return read;
}

/** Warnings of one code kept in full; past it, only counted (a sidecar may hold a million bad entries). */
export const WARNINGS_PER_CODE = 1000;

/** The reader's warnings, at most WARNINGS_PER_CODE of each code, then one line with the count of the rest. */
class Warnings {
  private readonly kept: Warning[] = [];
  private readonly seen = new Map<WarningCode, number>();

  /** The message is built only for a warning kept: past the cap, half a million of them would be garbage. */
  push(code: WarningCode, message: () => string, member: string): void {
    const n = (this.seen.get(code) ?? 0) + 1;
    this.seen.set(code, n);
    if (n <= WARNINGS_PER_CODE) this.kept.push({ code, message: message(), member });
  }

  list(): Warning[] {
    const out = [...this.kept];
    for (const [code, n] of this.seen) {
      if (n > WARNINGS_PER_CODE) out.push({ code, message: `${n - WARNINGS_PER_CODE} more ${code} warning(s) not listed (${n} in all)` });
    }
    return out;
  }
}
