/**
 * Names for appended members. The 32 hex characters start with the time in milliseconds (as in a
 * version-7 UUID), so sidecars and patches this kit appends sort, by byte order of name, in the
 * order they were appended: readers apply patches and read sidecars in that order.
 */
export function newHexId(now = Date.now()): string {
  const random = new Uint8Array(10);
  globalThis.crypto.getRandomValues(random);
  const time = now.toString(16).padStart(12, '0').slice(-12);
  return time + [...random].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export const sidecarName = (hex: string): string => `meta-${hex}.json`;
export const patchName = (hex: string): string => `manifest-${hex}.patch.json`;

/** The format's id convention: `:` → `~c~`, `/` → `~s~`, then `~~et~~` and 32 hex characters. */
export function entryIdFor(tag: string, hex: string): string {
  return `${tag.replace(/:/g, '~c~').replace(/\//g, '~s~')}~~et~~${hex}`;
}
