/** The validator's public surface (re-exported from the package barrel). */
export type { Diagnostic, Severity } from './diagnostics.js';
export { validateManifest, type ManifestCheckOptions } from './manifest-rules.js';
export type { Place } from './diagnostics.js';
export { validate, type ValidateOptions, type ValidationReport } from './validate.js';
export type { MemberRange } from './context.js';
export type { UploadFacts } from '../artifact/upload-rules.js';
export {
  readOnnxModel,
  type OnnxModelInfo,
  type OnnxValueInfo,
  type OnnxOpset,
  type OnnxExternalData,
  type OnnxReadOptions,
} from '../onnx/model-info.js';
export { isDocument, checkDocument, type DocumentTypes, type DocumentKind, type DocumentCheck } from './documents.js';
