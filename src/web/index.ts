/**
 * The browser entry (`fnnx-kit/web`): everything both platforms share, by the same names
 * (src/api-shared.ts), plus what needs a browser (Blob, Worker). Nothing here may import a
 * `node:` module (test/web-bundle.test.ts).
 */
export * from '../api-shared.js';

// Opening a File/Blob or a (presigned) URL.
export { openBlob, openUrl } from './open.js';

// Describing a File for upload, hashed in a worker.
export { describeBlob, type DescribeBlobOptions } from './describe-blob.js';
export { blobChunks } from './blob-chunks.js';

// Model cards and zips, read by ranges.
export { readNewestCard } from './model-card.js';
export { ZipReader, DEFAULT_ZIP_LIMITS, type ZipEntry, type ZipLimits } from './zip-reader.js';

// Uploading a File/Blob to the registry's storage (the details its create call returns).
export { uploadBlob, initiateMultipartUpload, type UploadBlobOptions } from './upload-blob.js';
