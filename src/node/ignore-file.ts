/**
 * `.fnnxignore` at the root of a folder to pack: .gitignore-style patterns, one a line, read as
 * `--exclude` patterns are (src/build/path-glob.ts). Blank lines and `#` comments are skipped; a
 * `!` negation is refused rather than silently ignored, since path-glob cannot re-include.
 */
import { join } from 'node:path';
import { isFnnxError, UsageError } from '../errors.js';
import { openChecked } from './open-checked.js';

export const IGNORE_FILE = '.fnnxignore';
/** Far more than any real ignore file; a bigger one is refused unread. */
const MAX_IGNORE_BYTES = 64 * 1024;

/** The patterns of `dir/.fnnxignore`, or none when there is no such file. */
export async function readIgnoreFile(dir: string): Promise<string[]> {
  const path = join(dir, IGNORE_FILE);
  const file = await openChecked(path).catch((e: unknown) => {
    if (isFnnxError(e, 'NOT_FOUND')) return undefined;
    throw e;
  });
  if (!file) return [];
  try {
    if (file.stats.size > MAX_IGNORE_BYTES) {
      throw new UsageError('BAD_EXCLUDE', `${path} is ${file.stats.size} bytes, more than the ${MAX_IGNORE_BYTES} an ignore file may hold`);
    }
    const bytes = new Uint8Array(file.stats.size);
    const { bytesRead } = await file.calls.read(file.fd, bytes, 0, bytes.length, 0);
    return parseIgnore(new TextDecoder().decode(bytes.subarray(0, bytesRead)), path);
  } finally {
    await file.calls.close(file.fd);
  }
}

export function parseIgnore(text: string, path: string): string[] {
  const patterns: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/\s+$/, '');
    if (line === '' || line.startsWith('#')) return;
    if (line.startsWith('!')) {
      throw new UsageError('BAD_EXCLUDE', `${path}:${i + 1}: "${line}" re-includes a path, which pack does not support`, {
        hint: 'list only what to leave out; move the re-included file out of the excluded folder',
      });
    }
    patterns.push(line.startsWith('\\') ? line.slice(1) : line);
  });
  return patterns;
}
