/** Bounds on what extracting a stranger's archive may make us write. */
export interface ExtractLimits {
  /** Most path segments in one member name (deep trees cost a syscall per level per member). */
  maxPathDepth: number;
  /**
   * Most regular files written. Each costs several syscalls, so 200,000 empty members would take
   * minutes while costing the archive only 100 MB; checked before anything is written.
   */
  maxExtractFiles: number;
}

export const DEFAULT_EXTRACT_LIMITS: ExtractLimits = { maxPathDepth: 128, maxExtractFiles: 50_000 };
