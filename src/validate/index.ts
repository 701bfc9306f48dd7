/** The validator's public surface (re-exported from the package barrel). */
export type { Diagnostic, Severity } from './diagnostics.js';
export { validateManifest, type ManifestCheckOptions } from './manifest-rules.js';
