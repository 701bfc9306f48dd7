/**
 * What both entries export, by the same names: `fnnx-kit` (Node, src/index.ts) adds what needs
 * the file system, `fnnx-kit/web` (src/web/index.ts) what needs a browser. The rule: an action
 * that exists on both platforms has one name; it is exported here when one implementation serves
 * both, or by each entry under that name when each platform has its own (initiateMultipartUpload).
 * Nothing here may import a `node:` module (test/web-bundle.test.ts).
 */

// Errors: every failure is an FnnxError with a stable code from one table (src/codes.ts).
export { FnnxError, ArtifactError, TarFormatError, LimitError, SourceError, UsageError, AbortError, isFnnxError } from './errors.js';
export type { FnnxErrorOptions } from './errors.js';
export { printable, printableJson } from './safety/printable.js';
export { CODES, type Code, type ErrorCode, type ErrorKind, type DiagnosticCode, type WarningCode } from './codes.js';

// The format's documents, typed from schemas/ (src/types/generated/).
export type * from './types/generated/index.js';
export type { Json, JsonObject } from './artifact/json-member.js';

// Byte sources: where an artifact's bytes come from (memory, a Blob, HTTP ranges).
export type { ByteSource } from './source/byte-source.js';
export { MemorySource } from './source/memory-source.js';
export { BlobSource } from './source/blob-source.js';
export { HttpSource, type HttpSourceOptions } from './source/http-source.js';
export { openHttpSource, type RemoteOptions } from './source/http-open.js';
export { HttpStatusError, DEFAULT_TIMEOUT_MS } from './source/http-request.js';
export { DEFAULT_RETRY, type RetryPolicy } from './source/retry.js';
export { BlockCache, type BlockCacheOptions } from './source/block-cache.js';
export { CountingSource } from './source/counting-source.js';

// Reading an artifact: its members, root files, effective manifest and metadata.
export type { MemberStore, MemberInfo } from './artifact/member-store.js';
export { TarStore, type TarStoreOptions } from './artifact/tar-store.js';
export { readArtifact, type ArtifactContents, type ReadOptions, type Warning } from './artifact/reader.js';
export type { ReadMetaEntry } from './artifact/metadata.js';
export { DEFAULT_JSON_LIMITS, type JsonLimits } from './artifact/json-member.js';
export { registryMetrics } from './artifact/metrics.js';
export { inspectReport } from './artifact/report.js';

// Model cards and zips, read by ranges with the one zip reader (src/zip/), the same on both platforms.
export { newestCard, readNewestCard, streamNewestCard, MODEL_CARD_TAG, MODEL_CARD_FILE, type CardOptions } from './artifact/model-card.js';
export { ZipReader, type ZipEntry, type OpenZipOptions } from './zip/reader.js';
export { DEFAULT_ZIP_LIMITS, type ZipLimits } from './safety/zip-limits.js';

// The tar layer: the header walk and the file index.
export type { TarEntry, FileIndex, EntryKind } from './tar/entry.js';
export { walkTar, type WalkResult } from './tar/walk.js';
export { DEFAULT_TAR_LIMITS, type TarLimits } from './tar/limits.js';
export { checkMemberPath, type MemberPathProblem, type MemberPathCode } from './safety/member-path.js';

// Validating: every rule of the format, as diagnostics.
export * from './validate/index.js';

// Comparing two artifacts: every change classified breaking, compatible or info by a rules table.
export { diffArtifacts, diffSnapshots, tripsFailOn, type DiffReport, type DiffOptions } from './diff/diff.js';
export { snapshotOf, type ArtifactSnapshot } from './diff/snapshot.js';
export type { Change } from './diff/change.js';
export { DIFF_RULES, type DiffRule, type DiffRuleId, type ChangeKind, type DiffArea } from './diff/rules.js';

// Describing for upload: the registry's descriptor and upload rules.
export { Describer, type Descriptor, type DescribeResult, type DescriberOptions } from './describe/descriptor.js';
export { describeSource, type DescribeSourceOptions } from './describe/describe-source.js';
export {
  uploadProblems,
  uploadExtension,
  UPLOAD_EXTENSIONS,
  DEFAULT_MAX_UPLOAD_SIZE,
  type UploadProblem,
  type UploadForm,
} from './artifact/upload-rules.js';
export type { Hasher, HasherFactory, HashAlgorithm } from './hash/hasher.js';
export { wasmHasher } from './hash/wasm-hasher.js';

// Building an artifact: root values and members in, one deterministic tar out, with its descriptor.
export { buildArtifact, type ArtifactInput, type BuildOptions, type RootValue } from './build/builder.js';
export type { ChunkSink } from './build/tar-writer.js';
export type { MemberInput, MemberBody, StreamBody } from './artifact/member-input.js';

// Making an artifact from ONNX models: the root files and members, every declaration read from the models.
export { newFromOnnx, type OnnxModelFile, type NewOnnxOptions, type NewArtifact } from './build/new-onnx.js';

// Uploading: the storage protocols of the registry's upload details, and its create-call payloads.
export {
  upload,
  DEFAULT_CONCURRENCY,
  type UploadOptions,
  type UploadResult,
  type UploadProgress,
  type InitiateMultipartOptions,
} from './upload/upload.js';
export { parseUploadDetails, type UploadDetails, type PartTarget } from './upload/details.js';
export type { UploadBody, StorageRequest, ByteRange } from './upload/upload-body.js';
export type { UploadState, FinishedPart } from './upload/upload-state.js';
export { registryPayload, REGISTRY_APIS, type RegistryApi, type ArtifactsCreatePayload } from './describe/registry-payload.js';
