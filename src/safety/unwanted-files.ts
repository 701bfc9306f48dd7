/**
 * What version control, operating systems and editors leave in folders: never model data, and a
 * repository's history may hold secrets. `pack` leaves these out by default (as npm and Docker
 * do); `validate` warns when an artifact holds them. One list for both.
 */
const DIRS = ['.git', '.hg', '.svn'];
const FILES = ['.DS_Store', 'Thumbs.db', 'desktop.ini'];
/** Editor swap and backup files (vim's `.swp`, Emacs' `~`). */
const SUFFIXES = ['.swp', '~'];

/** The same list as `.gitignore`-style patterns, for pack's default excludes. */
export const UNWANTED_GLOBS: readonly string[] = [...DIRS.map((d) => `${d}/`), ...FILES, ...SUFFIXES.map((s) => `*${s}`)];

/** Why a member path is such a file, or undefined. */
export function unwantedReason(path: string): string | undefined {
  const segments = path.split('/');
  const dir = segments.slice(0, -1).find((s) => DIRS.includes(s)) ?? (DIRS.includes(segments.at(-1)!) ? segments.at(-1) : undefined);
  if (dir !== undefined) return `lies in ${dir}/, version control's own data`;
  const name = segments.at(-1)!;
  if (FILES.includes(name)) return `is ${name}, a file the operating system leaves in folders`;
  const suffix = SUFFIXES.find((s) => name.endsWith(s) && name.length > s.length);
  if (suffix !== undefined) return `is an editor's swap or backup file (*${suffix})`;
  return undefined;
}
