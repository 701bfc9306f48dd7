/** Members (regular files after last-wins) by name: added, removed, changed by size or content. */
import type { Json } from '../artifact/json-member.js';
import { change, pointer, type Change } from './change.js';
import type { ContentHashes } from './meta-diff.js';

export function diffMembers(a: Map<string, number>, b: Map<string, number>, hashes?: ContentHashes): Change[] {
  const out: Change[] = [];
  const info = (name: string, size: number, h?: Map<string, string>): Json => (h?.has(name) ? { size, sha256: h.get(name)! } : { size });
  for (const [name, size] of a) {
    const now = b.get(name);
    if (now === undefined) {
      out.push(change('member-removed', pointer('members', name), info(name, size), undefined));
      continue;
    }
    const h0 = hashes?.before.get(name);
    const h1 = hashes?.after.get(name);
    if (size !== now || h0 !== h1)
      out.push(change('member-changed', pointer('members', name), info(name, size, hashes?.before), info(name, now, hashes?.after)));
  }
  for (const [name, size] of b) if (!a.has(name)) out.push(change('member-added', pointer('members', name), undefined, info(name, size)));
  return out;
}

/**
 * What `--content` must read: members of the same name and size on both sides (a size change
 * is already a change), and the two newest cards when their sizes agree.
 */
export function membersToHash(
  a: { files: Map<string, number>; card?: { member: string; size: number } },
  b: typeof a,
): { before: string[]; after: string[] } {
  const common = [...a.files].filter(([name, size]) => b.files.get(name) === size).map(([name]) => name);
  const before = new Set(common);
  const after = new Set(common);
  if (a.card && b.card && a.card.size === b.card.size) {
    before.add(a.card.member);
    after.add(b.card.member);
  }
  return { before: [...before], after: [...after] };
}
