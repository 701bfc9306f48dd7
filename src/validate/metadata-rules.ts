/** Metadata entries (meta.json and sidecars) and the meta_artifacts/<id>/ folders they own. */
import { isObject, type Json } from '../artifact/json-member.js';
import type { MemberInfo } from '../artifact/member-store.js';
import { classifyEntry } from '../artifact/metadata.js';
import { child, diag, FindingList, type Diagnostic } from './diagnostics.js';
import { checkSchema } from './schema-check.js';

export interface MetaFile {
  member: string;
  entries: Json[];
}

const META_ARTIFACTS = 'meta_artifacts/';

export function metadataRules(files: MetaFile[], members: readonly MemberInfo[]): Diagnostic[] {
  const out = new FindingList();
  const owners = folderOwners(members);
  const memberFiles = sortedFileNames(members);
  const idsSeen = new Map<string, string>();
  for (const { member, entries } of files) {
    entries.forEach((entry, i) => {
      const at = child({ member, pointer: '' }, i);
      if (!isObject(entry)) {
        out.push(diag('META_ENTRY_NOT_OBJECT', 'error', `entry ${i} is not an object`, at));
        return;
      }
      const read = classifyEntry(entry, member, i);
      if (read.legacy) {
        out.push(
          diag(
            'META_ENTRY_LEGACY',
            'warning',
            `entry ${i} has the registry SDK's legacy {id, tags, payload} shape (no producer, producer_version, producer_tags)`,
            at,
          ),
        );
      } else if (!read.conforms) {
        // Past the cap, building each entry's findings only to drop them cost a million bad entries
        // hundreds of MiB of garbage: count the entry instead.
        if (out.full('META_ENTRY_INCOMPLETE')) out.tally('META_ENTRY_INCOMPLETE', 'error');
        else for (const d of checkSchema('metaEntry', entry, at, 'META_ENTRY_INCOMPLETE')) out.push(d);
      }
      if (typeof entry.id === 'string')
        for (const d of idRules(entry.id, owners, memberFiles, idsSeen, `${member}#${i}`, child(at, 'id'))) out.push(d);
    });
  }
  return out.list();
}

function idRules(
  id: string,
  owners: Set<string>,
  files: readonly string[],
  seen: Map<string, string>,
  where: string,
  at: { member: string | null; pointer: string },
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const ownsFolder = hasPrefix(files, `${META_ARTIFACTS}${id}/`);
  if (id === '' || id === '.' || id === '..' || id.includes('/')) {
    const severity = ownsFolder ? 'error' : 'warning';
    out.push(diag('META_ID_UNSAFE', severity, `entry id "${id}" is not path-safe, so it cannot name a meta_artifacts/<id>/ folder`, at));
  }
  const first = seen.get(id);
  if (first !== undefined) {
    const severity = owners.has(id) ? 'error' : 'info';
    out.push(
      diag(
        'META_ID_DUPLICATE',
        severity,
        `entry id "${id}" was already used (${first})${owners.has(id) ? '; ids that own meta_artifacts/ folders must be unique' : ''}`,
        at,
      ),
    );
  } else seen.set(id, where);
  return out;
}

/** File names in code-unit order, for hasPrefix's binary search. */
function sortedFileNames(members: readonly MemberInfo[]): string[] {
  return members
    .filter((m) => m.kind === 'file')
    .map((m) => m.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Does any of the sorted names start with `prefix`? A binary search for the first name not below
 * it: asked once per metadata entry, a scan of every member would make validate quadratic.
 */
function hasPrefix(sorted: readonly string[], prefix: string): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < prefix) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo]!.startsWith(prefix);
}

/** The folder names directly under meta_artifacts/ that hold files. */
function folderOwners(members: readonly MemberInfo[]): Set<string> {
  const dirs = new Set<string>();
  for (const m of members) {
    if (m.kind !== 'file' || !m.name.startsWith(META_ARTIFACTS)) continue;
    const rest = m.name.slice(META_ARTIFACTS.length);
    const slash = rest.indexOf('/');
    if (slash > 0) dirs.add(rest.slice(0, slash));
  }
  return dirs;
}
