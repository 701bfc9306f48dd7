/** Bounds on what a stranger's archive may make us do. Every one can be raised by the caller. */
export interface TarLimits {
  /** Largest PAX extended header or GNU long-name data we will read into memory. */
  maxExtendedHeader: number;
  /** Longest member name accepted. */
  maxNameLength: number;
  /** Most members (headers) walked before giving up. */
  maxMembers: number;
}

export const DEFAULT_TAR_LIMITS: TarLimits = {
  maxExtendedHeader: 1024 * 1024,
  maxNameLength: 4096,
  maxMembers: 1_000_000,
};
