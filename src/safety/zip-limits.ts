/** Bounds on a zip attachment (model cards), shared by the Node and browser zip readers. */
export interface ZipLimits {
  /** Most entries in one zip attachment. */
  maxZipEntries: number;
  /** Most bytes all entries of one zip attachment may inflate to (as declared, and as counted). */
  maxZipUncompressed: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxZipEntries: 10_000, maxZipUncompressed: 256 * 1024 * 1024 };
