import type { Json } from '../artifact/json-member.js';
import { MANIFEST } from '../artifact/root-files.js';
import { ArtifactError } from '../errors.js';
import { validateManifest } from '../validate/index.js';

/**
 * Refuses a manifest the validator finds errors in, before anything is written: the builder and
 * the appenders must never produce an artifact whose manifest a reader would reject. The refusal
 * carries the first finding's own code, so pack says what validate says (one fact, one code).
 */
export function assertValidManifest(manifest: Json, options: { dtypes?: Json; member?: string; what?: string } = {}): void {
  const errors = validateManifest(manifest, { dtypes: options.dtypes, member: options.member }).filter((d) => d.severity === 'error');
  if (errors.length === 0) return;
  const first = errors[0]!;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  // Schema messages already start with their pointer; say it once.
  const where = first.pointer || '/';
  const what = first.message.startsWith(`${where}: `) ? first.message : `${where}: ${first.message}`;
  throw new ArtifactError(first.code, `${options.what ?? 'the manifest'} is not valid: ${what}${more}`, {
    member: options.member ?? MANIFEST,
    hint: 'run `fnnx-kit validate` on the result for every finding',
  });
}
