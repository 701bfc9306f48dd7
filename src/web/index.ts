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

// Uploading a File/Blob to the registry's storage (the details its create call returns).
export { uploadBlob, initiateMultipartUpload, type UploadBlobOptions } from './upload-blob.js';

// validate --run's checks in onnxruntime-web, which the caller loads and passes in. Their code
// loads on the first call: a page that never runs a model does not carry it.
export type { OrtWeb, OrtWebTensor, RunCheckWebOptions } from './run-web.js';
export const runCheckWeb: typeof import('./run-web.js').runCheckWeb = async (...args) =>
  (await import('./run-web.js')).runCheckWeb(...args);
