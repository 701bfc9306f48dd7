/**
 * The browser entry (`fnnx-kit/web`): the same core as the Node build, minus everything that
 * touches the file system. Nothing here may import a `node:` module (test/web-bundle.test.ts).
 */
export * from '../errors.js';
export type { ByteSource } from '../source/byte-source.js';
export { MemorySource } from '../source/memory-source.js';
export { BlobSource } from '../source/blob-source.js';
export { HttpSource, type HttpSourceOptions } from '../source/http-source.js';
export { BlockCache, type BlockCacheOptions } from '../source/block-cache.js';
export { CountingSource } from '../source/counting-source.js';
export { readChunks } from '../source/chunks.js';
export type { TarEntry, FileIndex, EntryKind } from '../tar/entry.js';
export { walkTar, type WalkResult } from '../tar/walk.js';
export { fileIndexOf, lastWins } from '../tar/file-index.js';
export { DEFAULT_TAR_LIMITS, type TarLimits } from '../tar/limits.js';
export type { MemberStore, MemberInfo } from '../artifact/member-store.js';
export { TarStore, type TarStoreOptions } from '../artifact/tar-store.js';
export { readArtifact, type ArtifactContents, type ReadOptions, type Warning } from '../artifact/reader.js';
export type { ReadMetaEntry } from '../artifact/metadata.js';
export type { Json } from '../artifact/json-member.js';
export { registryMetrics } from '../artifact/metrics.js';
export { inspectReport } from '../artifact/report.js';
export type { Hasher, HasherFactory, HashAlgorithm } from '../hash/hasher.js';
export { wasmHasher } from '../hash/wasm-hasher.js';
export { Describer, type Descriptor, type DescribeResult } from '../describe/descriptor.js';
export { checkUploadName, checkUploadSize, DEFAULT_MAX_UPLOAD_SIZE, UPLOAD_EXTENSIONS } from '../describe/upload-rules.js';
export { blobChunks } from './blob-chunks.js';
export { describeBlob, type DescribeBlobOptions } from './describe-blob.js';
export { openBlob, openUrl } from './open.js';
export * from '../validate/index.js';
export { ZipReader, DEFAULT_ZIP_LIMITS, type ZipEntry, type ZipLimits } from './zip-reader.js';
export { findCard, readCardHtml } from './model-card.js';
// Upload to the registry's storage (issue 18).
export { uploadBlob, initiateMultipartUpload, type UploadBlobOptions } from './upload-blob.js';
export { parseUploadDetails, type UploadDetails, type PartTarget } from '../upload/details.js';
export type { UploadOptions, UploadResult, UploadProgress } from '../upload/upload.js';
export type { UploadState, FinishedPart } from '../upload/upload-state.js';
export { registryPayload, REGISTRY_APIS, type RegistryApi, type ArtifactsCreatePayload } from '../describe/registry-payload.js';
