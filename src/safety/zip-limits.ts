/** Bounds on a zip attachment (model cards): one meaning each, the same for `card show`, `card add`, `validate` and the browser. */
export interface ZipLimits {
  /** Most entries in one zip (directories count), as its directory declares them; checked before the directory is read. */
  maxZipEntries: number;
  /**
   * Most bytes all entries of one zip declare uncompressed, in total (not per entry): checked
   * when the directory is read, before anything is inflated. Each entry's inflation also stops as
   * soon as it passes its own declared size, so no more than this is ever inflated per zip.
   */
  maxZipUncompressed: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxZipEntries: 10_000, maxZipUncompressed: 256 * 1024 * 1024 };
