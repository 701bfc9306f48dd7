import type { FileIndex, TarEntry } from './entry.js';

/**
 * The registry's file_index from walked entries: regular files only, and where a name repeats the
 * last occurrence wins (its position stays the first one's, as a Python dict keeps it).
 */
export function fileIndexOf(entries: readonly TarEntry[]): FileIndex {
  // No prototype: a member named "__proto__" must be a key like any other.
  const index: FileIndex = Object.create(null) as FileIndex;
  for (const e of entries) {
    if (e.kind === 'file') index[e.name] = [e.dataOffset, e.size];
  }
  return index;
}

/**
 * A member's [offset, size] in an index, or undefined: only the index's own keys count, so a
 * name like "toString" or "constructor" never finds Object.prototype's (an index parsed from a
 * descriptor or --index file is a plain object).
 */
export function rangeIn(index: FileIndex, name: string): [number, number] | undefined {
  return Object.hasOwn(index, name) ? index[name] : undefined;
}

/** The entries that count: the last occurrence of each name, in first-appearance order. */
export function lastWins(entries: readonly TarEntry[]): TarEntry[] {
  const byName = new Map<string, TarEntry>();
  for (const e of entries) byName.set(e.name, e);
  return [...byName.values()];
}
