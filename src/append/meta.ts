/** append-meta: a sidecar with new metadata entries, and their attachments under meta_artifacts/<id>/. */
import { isObject, type Json } from '../artifact/json-member.js';
import { classifyEntry, entryProblems, isPathSafeId, type ReadMetaEntry } from '../artifact/metadata.js';
import { ignoredMetrics } from '../artifact/metrics.js';
import { jsonBytes } from '../build/builder.js';
import type { MemberBody, MemberInput } from '../artifact/member-input.js';
import { checkWritableName } from '../build/tar-writer.js';
import { ArtifactError, UsageError } from '../errors.js';
import { sidecarName } from './ids.js';

export interface Attachment {
  /** Path under the entry's folder, e.g. `report.html` or `plots/a.png`. */
  name: string;
  body: MemberBody;
}

/** Accepts one entry object or an array of them; each must conform to the format's entry shape. */
export function checkEntries(doc: Json, label: string): Array<{ [key: string]: Json }> {
  const entries = Array.isArray(doc) ? doc : [doc];
  if (entries.length === 0) throw new UsageError('NO_ENTRIES', `${label} holds no metadata entries`);
  return entries.map((e, i) => {
    if (!isObject(e)) throw new ArtifactError('META_ENTRY_NOT_OBJECT', `entry ${i} is not a JSON object`, { member: label });
    const problems = entryProblems(e);
    if (problems.length) throw new ArtifactError('META_ENTRY_INCOMPLETE', `entry ${i}: ${problems.join(', ')}`, { member: label });
    return e;
  });
}

export function metaAppendMembers(entries: Array<{ [key: string]: Json }>, attachments: Attachment[], hex: string): MemberInput[] {
  const members: MemberInput[] = [{ name: sidecarName(hex), body: jsonBytes(entries) }];
  if (attachments.length === 0) return members;
  if (entries.length !== 1)
    throw new UsageError('ATTACH_NEEDS_ONE_ENTRY', 'attachments belong to one entry: give exactly one entry with --attach');
  const id = entries[0]!.id as string;
  if (!isPathSafeId(id)) {
    throw new ArtifactError(
      'META_ID_UNSAFE',
      `entry id "${id}" cannot name a folder under meta_artifacts/ (it has "/" or "\\", or is "." or "..")`,
    );
  }
  for (const a of attachments) {
    const name = `meta_artifacts/${id}/${a.name}`;
    checkWritableName(name);
    members.push({ name, body: a.body });
  }
  return members;
}

/**
 * Appending a metrics entry when one is already there changes nothing a reader shows (the registry's
 * client, inspect and describe take the first), so it is refused before writing unless `force`.
 */
export function refuseIgnoredMetrics(existing: readonly ReadMetaEntry[], entries: Array<{ [key: string]: Json }>, sidecar: string): void {
  const added = entries.map((e, i) => classifyEntry(e, sidecar, i));
  const ignored = ignoredMetrics([...existing, ...added]).find((x) => x.ignored.member === sidecar);
  if (!ignored) return;
  const { by, tag } = ignored;
  throw new UsageError(
    'META_ENTRY_IGNORED',
    `entry "${String(ignored.ignored.entry.id)}" would be ignored: readers (the registry, inspect, describe) show the metrics of the first entry tagged ${tag}, "${String(by.entry.id)}" in ${by.member}`,
    {
      hint: `to change the metrics shown, edit that entry in meta.json and pack again; --force appends this entry anyway (kept, never shown)`,
    },
  );
}
