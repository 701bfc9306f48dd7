/** Bounds on what a stranger's archive may make us do. Every one can be raised by the caller. */
export interface TarLimits {
  /** Largest PAX extended header or GNU long-name data we will read into memory. */
  maxExtendedHeader: number;
  /** Most bytes of PAX / GNU long-name data read in one walk (their count is the archive's choice). */
  maxExtendedTotal: number;
  /** Longest member name accepted. */
  maxNameLength: number;
  /** Most members (headers) walked before giving up. */
  maxMembers: number;
}

export const DEFAULT_TAR_LIMITS: TarLimits = {
  maxExtendedHeader: 1024 * 1024,
  maxExtendedTotal: 64 * 1024 * 1024,
  maxNameLength: 4096,
  // Each walked member costs about 1 KiB of memory through inspect/index/validate (bench/README.md),
  // so a million would break the 512 MiB budget.
  maxMembers: 100_000,
};
