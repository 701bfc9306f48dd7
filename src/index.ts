// The Node entry is built on Node's types (streams, file handles, fetch): the reference loads
// @types/node for whoever imports it, whatever their "types" setting (TypeScript 6 defaults it to []).
/// <reference types="node" preserve="true" />
/**
 * The Node entry (`fnnx-kit`): everything the browser entry has, by the same names
 * (src/api-shared.ts), plus what needs the file system or node:crypto. Internals stay internal:
 * tests import them from their modules.
 */
export * from './api-shared.js';

// Zips (model cards) inflate with node:zlib in Node: see src/zip/inflate.ts.
import { useInflater } from './zip/inflate.js';
import { zlibInflate } from './node/zlib-inflate.js';
useInflater(zlibInflate);

// Opening a path (tar file or directory) or an http(s) URL.
export { FileSource } from './node/file-source.js';
export { DirStore } from './node/dir-store.js';
export { openStore, openSource, type OpenOptions } from './node/open.js';

// Validating a path or URL; the upload gate for pipelines.
export { validateTarget, assertUploadable, NotUploadableError, type ValidateTargetOptions } from './node/validate.js';
// validate --run: the ONNX ops in onnxruntime-node (an optional peer dependency, loaded in a child process when called).
export { runCheck, type RunCheckOptions } from './node/run-check.js';

// Describing a file for upload, and verifying a file against a descriptor.
export { describeFile, uploadFileName, type DescribeFileOptions } from './node/describe-file.js';
export type { Expected } from './describe/verify.js';

// Downloading by ranges, resumable, verified.
export { download, type DownloadOptions, type DownloadResult, type DownloadProgress } from './node/download.js';
export { loadDescriptor, type DownloadDescriptor } from './node/download-verify.js';

// Building an artifact from a directory, or with members read from files (buildArtifact itself is shared with the browser).
export { fileBody } from './node/file-body.js';
export { packToFile } from './node/pack.js';
export { artifactInputFromDir, type PackDirOptions } from './node/pack-dir.js';

// Appending in place: metadata entries, manifest patches, model cards.
export { appendToArtifact, type AppendResult, type AppendOptions } from './node/append-file.js';
export { newHexId } from './append/ids.js';
export { metaAppendMembers, type Attachment } from './append/meta.js';
export { patchAppendMembers } from './append/patch.js';
export { cardAppendMembers, type Producer } from './append/card.js';
export { checkedPlanner, type AppendInput, type AppendPlanner } from './append/checked.js';

// Checking what a write would leave, with the validator's own rules, before writing it.
export type { BaseRange } from './validate/planned-store.js';
export type { WouldBeCheck } from './validate/would-be.js';
export { refuseInvalidPack } from './node/pack-dir.js';
export { buildCardZip, type CardFile, type CardZipOptions } from './node/card-zip.js';

// Extracting safely.
export { extractTar, DEFAULT_EXTRACT_LIMITS, type ExtractLimits, type ExtractOptions, type ExtractResult } from './node/extract.js';

// Making an artifact's directory form from ONNX models (newFromOnnx itself is shared with the browser).
export { openOnnxFiles, writeArtifactDir, type OpenedModels, type WriteDirOptions, type WrittenFile } from './node/new-dir.js';

// Uploading to the registry's storage (the details its create call returns), resumable and verified.
export { uploadFile, initiateMultipartUpload, type UploadFileOptions, type UploadFileResult } from './node/upload-file.js';
