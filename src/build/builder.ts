/**
 * The artifact builder: root files and members in, one deterministic tar out, and the upload
 * descriptor computed from the very bytes written (hash, size, file_index, manifest, metrics).
 */
import type { Json } from '../artifact/json-member.js';
import { DTYPES, EMPTY_ROOT_VALUES, ENV, MANIFEST, META, OPS, ROOT_FILES, VARIANT_CONFIG, byteOrder } from '../artifact/root-files.js';
import { UsageError, throwIfAborted } from '../errors.js';
import type { HasherFactory } from '../hash/hasher.js';
import { Describer, type DescribeResult } from '../describe/descriptor.js';
import { assertValidManifest } from './manifest-check.js';
import type { MemberInput } from '../artifact/member-input.js';
import { writeTar, type ChunkSink } from './tar-writer.js';

/** A root file as a JSON value (serialized by the builder) or as the exact bytes to store. */
export type RootValue<T extends Json> = T | Uint8Array;

export interface ArtifactInput {
  manifest: RootValue<{ [key: string]: Json }>;
  ops?: RootValue<Json[]>;
  variantConfig?: RootValue<{ [key: string]: Json }>;
  dtypes?: RootValue<{ [key: string]: Json }>;
  env?: RootValue<{ [key: string]: Json }>;
  meta?: RootValue<Json[]>;
  /** Every other member (models, sidecars, attachments…), written in byte order of name. */
  files?: MemberInput[];
}

export interface BuildOptions {
  /** The descriptor's file_name (the base name the artifact will be uploaded under). */
  fileName: string;
  hasher: HasherFactory;
  mtime?: Date;
  onProgress?: (bytesWritten: number) => void;
  /** Checked before each chunk reaches the sink: an aborted build sends nothing more and throws ABORTED. */
  signal?: AbortSignal;
}

const encoder = new TextEncoder();

/** JSON the same way every time: two-space indent, key order as given, a final newline. */
export function jsonBytes(value: Json): Uint8Array {
  return encoder.encode(`${JSON.stringify(value, null, 2)}\n`);
}

/** The members in the order the format wants: manifest.json first, the other root files, the rest. */
export function orderedMembers(input: ArtifactInput): MemberInput[] {
  const roots: Array<[string, RootValue<Json> | undefined, Json]> = [
    [MANIFEST, input.manifest, {}],
    [OPS, input.ops, EMPTY_ROOT_VALUES[OPS]],
    [VARIANT_CONFIG, input.variantConfig, EMPTY_ROOT_VALUES[VARIANT_CONFIG]],
    [DTYPES, input.dtypes, EMPTY_ROOT_VALUES[DTYPES]],
    [ENV, input.env, EMPTY_ROOT_VALUES[ENV]],
    [META, input.meta, EMPTY_ROOT_VALUES[META]],
  ];
  const files = [...(input.files ?? [])].sort((a, b) => byteOrder(a.name, b.name));
  for (const f of files) {
    if ((ROOT_FILES as readonly string[]).includes(f.name)) {
      throw new UsageError('ROOT_FILE_AS_MEMBER', 'give root files as root values, not as extra members', { member: f.name });
    }
  }
  const rootMembers = roots.map(([name, value, empty]) => ({
    name,
    body: value instanceof Uint8Array ? value : jsonBytes(value ?? empty),
  }));
  return [...rootMembers, ...files];
}

/** Writes the artifact to `sink` and returns its descriptor. */
export async function buildArtifact(input: ArtifactInput, sink: ChunkSink, options: BuildOptions): Promise<DescribeResult> {
  throwIfAborted(options.signal);
  if (!(input.manifest instanceof Uint8Array)) {
    assertValidManifest(input.manifest, { dtypes: input.dtypes instanceof Uint8Array ? undefined : input.dtypes });
  }
  const members = orderedMembers(input);
  const describer = await Describer.create({ fileName: options.fileName, hasher: options.hasher });
  await writeTar(
    members,
    async (chunk) => {
      throwIfAborted(options.signal);
      describer.push(chunk);
      options.onProgress?.(describer.bytesSeen);
      await sink(chunk);
    },
    { mtime: options.mtime },
  );
  return describer.finish();
}
