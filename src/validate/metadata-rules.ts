/** Metadata entries (meta.json and sidecars) and the meta_artifacts/<id>/ folders they own. */
import { isObject, type Json } from '../artifact/json-member.js';
import type { MemberInfo } from '../artifact/member-store.js';
import { classifyEntry, isPathSafeId, type ReadMetaEntry } from '../artifact/metadata.js';
import { ignoredMetrics } from '../artifact/metrics.js';
import { child, diag, FindingList, type Diagnostic } from './diagnostics.js';
import { checkSchema } from './schema-check.js';
import { unknownKeyRules } from './unknown-key-rules.js';

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
  const read: ReadMetaEntry[] = [];
  for (const { member, entries } of files) {
    entries.forEach((entry, i) => {
      const at = child({ member, pointer: '' }, i);
      if (!isObject(entry)) {
        out.push(diag('META_ENTRY_NOT_OBJECT', 'error', `entry ${i} is not an object`, at));
        return;
      }
      const entryRead = classifyEntry(entry, member, i);
      read.push(entryRead);
      if (!entryRead.legacy) for (const d of unknownKeyRules(entry, 'metaEntry', at)) out.push(d);
      if (entryRead.legacy) {
        out.push(
          diag(
            'META_ENTRY_LEGACY',
            'warning',
            `entry ${i} has the registry SDK's legacy {id, tags, payload} shape (no producer, producer_version, producer_tags)`,
            at,
          ),
        );
      } else if (!entryRead.conforms) {
        // Past the cap, building each entry's findings only to drop them cost a million bad entries
        // hundreds of MiB of garbage: count the entry instead.
        if (out.full('META_ENTRY_INCOMPLETE')) out.tally('META_ENTRY_INCOMPLETE', 'error');
        else for (const d of checkSchema('metaEntry', entry, at, 'META_ENTRY_INCOMPLETE')) out.push(d);
      }
      if (typeof entry.id === 'string')
        for (const d of idRules(entry.id, owners, memberFiles, idsSeen, `${member}#${i}`, child(at, 'id'))) out.push(d);
    });
  }
  for (const d of ignoredMetricsRule(read)) out.push(d);
  return out.list();
}

/** A second metrics entry of a kind is kept but never shown: readers take the first (see src/artifact/metrics.ts). */
function ignoredMetricsRule(read: readonly ReadMetaEntry[]): Diagnostic[] {
  return ignoredMetrics(read).map(({ ignored, by, tag }) =>
    diag(
      'META_ENTRY_IGNORED',
      'info',
      `entry ${ignored.index} ("${String(ignored.entry.id)}") is never shown: readers take the metrics of the first entry tagged ${tag}, "${String(by.entry.id)}" in ${by.member}`,
      { member: ignored.member, pointer: `/${ignored.index}` },
    ),
  );
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
  if (!isPathSafeId(id)) {
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
