/**
 * Whether the target file system can hold every name an extraction will create, decided before
 * anything is written: otherwise the first name it rejects (ENAMETOOLONG) would stop the
 * extraction halfway, leaving a tree that is neither the old one nor the artifact.
 */
import { ArtifactError } from '../errors.js';

/** Bytes in one path segment on the file systems Node runs on (ext4, xfs, btrfs, tmpfs, APFS). */
export const NAME_MAX = 255;
/** Bytes in a whole path, terminating NUL included (Linux 4096, macOS 1024). */
export const PATH_MAX = process.platform === 'darwin' ? 1024 : 4096;

const utf8 = new TextEncoder();

/** Throws NAME_TOO_LONG for the first member whose name the target cannot hold, counting all of them. */
export function checkTargetNames(paths: ReadonlyArray<{ name: string; segments: string[] }>, root: string): void {
  const rootBytes = utf8.encode(root).length;
  let first: { member: string; why: string } | undefined;
  let count = 0;
  for (const { name, segments } of paths) {
    const why = nameProblem(segments, rootBytes);
    if (why === undefined) continue;
    count++;
    first ??= { member: name, why };
  }
  if (!first) return;
  const others = count > 1 ? ` (and ${count - 1} other member(s))` : '';
  throw new ArtifactError('NAME_TOO_LONG', `${first.why}${others}; nothing was written`, {
    member: first.member,
    hint: 'extract into a directory with a shorter path, or rename the member in a trusted copy of the artifact',
  });
}

function nameProblem(segments: string[], rootBytes: number): string | undefined {
  let total = rootBytes;
  for (const segment of segments) {
    const bytes = utf8.encode(segment).length;
    if (bytes > NAME_MAX) return `path segment of ${bytes} bytes is over the ${NAME_MAX} bytes a file name may have`;
    total += 1 + bytes;
  }
  if (total + 1 > PATH_MAX) return `path would be ${total} bytes in the target, over the system's limit of ${PATH_MAX - 1}`;
  return undefined;
}
