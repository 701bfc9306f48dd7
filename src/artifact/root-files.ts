/** The names the format reserves at the root of an artifact, and their empty forms. */
import type { Json } from './json-member.js';

export const MANIFEST = 'manifest.json';
export const OPS = 'ops.json';
export const VARIANT_CONFIG = 'variant_config.json';
export const DTYPES = 'dtypes.json';
export const ENV = 'env.json';
export const META = 'meta.json';

export const ROOT_FILES = [MANIFEST, OPS, VARIANT_CONFIG, DTYPES, ENV, META] as const;
export type RootFile = (typeof ROOT_FILES)[number];

/**
 * What a writer puts in place of a root file it was not given (pack, for a folder without one):
 * validate of a folder checks the folder with these filled in, so both judge the same artifact.
 */
export const EMPTY_ROOT_VALUES: Readonly<Record<Exclude<RootFile, typeof MANIFEST>, Json>> = {
  [OPS]: [],
  [VARIANT_CONFIG]: {},
  [DTYPES]: {},
  [ENV]: {},
  [META]: [],
};

/** Root files a reader may treat as empty when absent. */
export const OPTIONAL_ROOT_FILES: ReadonlySet<string> = new Set([DTYPES, ENV, META]);

export const META_SIDECAR = /^meta-[^/]+\.json$/;
export const MANIFEST_PATCH = /^manifest-[^/]+\.patch\.json$/;

/** Byte order of names, as the format orders sidecars and patches (not locale order). */
export function byteOrder(a: string, b: string): number {
  const ea = new TextEncoder().encode(a);
  const eb = new TextEncoder().encode(b);
  const n = Math.min(ea.length, eb.length);
  for (let i = 0; i < n; i++) if (ea[i] !== eb[i]) return ea[i]! - eb[i]!;
  return ea.length - eb.length;
}
