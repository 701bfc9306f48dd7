/**
 * Is a member name safe to turn into a path under some directory? A pure check (no `node:`), so
 * the extractor, the builder, the validator and the browser all refuse the same names. The rules
 * follow the FNNX format (relative, `/`-separated, no `..`) and what careful tar extractors
 * refuse: absolute paths in POSIX or Windows spelling, parent segments, NUL bytes, empty names.
 * Backslashes are treated as separators here, because a Windows consumer will.
 */

export type MemberPathCode = 'EMPTY_NAME' | 'NUL_IN_NAME' | 'ABSOLUTE_PATH' | 'PATH_TRAVERSAL';

export interface MemberPathProblem {
  code: MemberPathCode;
  /** What is wrong, worded to follow `<member>: ` in an error line. */
  message: string;
}

/** Returns what is unsafe about a member name, or undefined when it is a safe relative path. */
export function checkMemberPath(name: string): MemberPathProblem | undefined {
  if (name.includes('\u0000')) return { code: 'NUL_IN_NAME', message: 'member name contains a NUL byte' };
  const segments = memberSegments(name);
  if (segments.length === 0) return { code: 'EMPTY_NAME', message: 'member name is empty (or only "." and "/")' };
  if (/^[\\/]/.test(name) || /^[a-zA-Z]:/.test(name)) {
    return { code: 'ABSOLUTE_PATH', message: 'member name is an absolute path' };
  }
  if (segments.includes('..')) return { code: 'PATH_TRAVERSAL', message: 'member name has a ".." segment (it would escape the artifact)' };
  return undefined;
}

/** The name's path segments with empty and "." segments dropped: `./a//b/` → `["a", "b"]`. */
export function memberSegments(name: string): string[] {
  return name.split(/[\\/]/).filter((s) => s !== '' && s !== '.');
}
