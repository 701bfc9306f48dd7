/**
 * `--exclude` patterns for packing a folder, in the shape people know from .gitignore:
 * a pattern without `/` matches a file or folder name at any depth (`*.pyc`, `.DS_Store`), one with
 * `/` matches the path from the folder's root (`data/raw/**`), a trailing `/` matches folders only
 * (`__pycache__/`). `*` and `?` stay within one path segment; `**` crosses segments.
 */
import { UsageError } from '../errors.js';
import { UNWANTED_GLOBS } from '../safety/unwanted-files.js';

export interface PathGlob {
  readonly pattern: string;
  /** True when `path` (relative, `/`-separated) is matched; `isDirectory` says what it names. */
  matches(path: string, isDirectory: boolean): boolean;
}

/**
 * What pack leaves out unless told not to: Python's byte-code caches (as the reference FNNX builder
 * does) and what version control, operating systems and editors leave in folders.
 */
export const DEFAULT_PACK_EXCLUDES: readonly string[] = ['__pycache__/', '*.pyc', ...UNWANTED_GLOBS];

export function pathGlob(pattern: string): PathGlob {
  const dirOnly = pattern.endsWith('/');
  const body = pattern.replace(/\/+$/, '').replace(/^\//, '');
  if (body === '' || body.split('/').some((s) => s === '.' || s === '..')) {
    throw new UsageError(
      'BAD_EXCLUDE',
      `--exclude ${JSON.stringify(pattern)} names no file: give a name or a path inside the folder, e.g. "*.log" or "data/raw/"`,
    );
  }
  const anchored = pattern.replace(/\/+$/, '').includes('/');
  const re = new RegExp(`^${toRegExp(body)}$`);
  return {
    pattern,
    matches(path, isDirectory) {
      if (dirOnly && !isDirectory) return false;
      return re.test(anchored ? path : path.slice(path.lastIndexOf('/') + 1));
    },
  };
}

function toRegExp(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      // `**/` is zero or more whole segments; a bare `**` is anything, slashes included.
      const slash = glob[i + 2] === '/';
      out += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return out;
}

/**
 * Filters a depth-first listing (each folder before its contents, as DirStore lists): a path is out
 * when a pattern matches it or it lies in a folder that is out. One pass, one set of folders.
 */
export function excludeFilter(globs: readonly PathGlob[]): (path: string, isDirectory: boolean) => boolean {
  const outDirs = new Set<string>();
  return (path, isDirectory) => {
    const slash = path.lastIndexOf('/');
    const excluded = (slash > 0 && outDirs.has(path.slice(0, slash))) || globs.some((g) => g.matches(path, isDirectory));
    if (excluded && isDirectory) outDirs.add(path);
    return excluded;
  };
}
