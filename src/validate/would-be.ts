/**
 * Check before writing: validate() on the artifact as a write would leave it (a PlannedStore), and
 * refuse the write when that result breaks a rule the artifact did not already break. Appends
 * cannot be undone, so this runs before the first byte is written. Browser-safe.
 */
import type { ParsedMembers } from '../artifact/json-member.js';
import type { MemberStore } from '../artifact/member-store.js';
import type { MemberInput } from '../artifact/member-input.js';
import { ArtifactError } from '../errors.js';
import type { Diagnostic } from './diagnostics.js';
import { PlannedStore, ownRanges, type BaseRange } from './planned-store.js';
import { validate, type ValidateOptions } from './validate.js';

export interface WouldBeCheck {
  /** The artifact as it is now; absent when the write makes a new one. */
  base?: MemberStore;
  planned: readonly MemberInput[];
  /** The artifact's name in messages (the path the user gave). */
  label: string;
  baseRange?: BaseRange;
  /**
   * 'error' refuses what `validate` calls an error; 'strict' also what `validate --strict` would
   * (an append's own content can never be fixed afterwards, so its warnings refuse it too).
   */
  refuse: 'error' | 'strict';
  /** Where, in what the user gave, a finding comes from: never a member name the user never wrote. */
  blame(finding: Diagnostic): { place: string; fix: string };
  limits?: ValidateOptions['limits'];
  /** Parses of the base's members already made (the writer's own reading): shared, never redone. */
  parsed?: ParsedMembers;
  signal?: AbortSignal;
}

const key = (d: Diagnostic) => `${d.code}\u0000${d.member ?? ''}\u0000${d.pointer}\u0000${d.message}`;

/** Resolves with the result's warnings and notes when it would be sound; otherwise throws the first new finding as an ArtifactError. */
export async function refuseInvalidResult(check: WouldBeCheck): Promise<Diagnostic[]> {
  const baseRange = check.baseRange ?? ownRanges(check.base);
  const after = new PlannedStore(check.base, check.planned, check.label, baseRange);
  const options = { strict: check.refuse === 'strict', limits: check.limits, signal: check.signal };
  const planned = check.parsed?.except(check.planned.map((m) => m.name));
  const all = (await validate(after, { ...options, memberRange: after.memberRange, parsed: planned })).diagnostics;
  const found = all.filter((d) => d.severity === 'error');
  // What is not refused (warnings and notes) goes back to the writer, which may show it.
  const rest = all.filter((d) => d.severity !== 'error');
  if (found.length === 0) return rest;
  // Only findings this write brings: an artifact that already breaks a rule may still be edited.
  const before = check.base
    ? new Set((await validate(check.base, { ...options, memberRange: baseRange, parsed: check.parsed })).diagnostics.map(key))
    : new Set<string>();
  const introduced = found.filter((d) => !before.has(key(d)));
  if (introduced.length === 0) return rest;
  throw refusal(introduced, check);
}

function refusal(findings: Diagnostic[], check: WouldBeCheck): ArtifactError {
  const first = findings[0]!;
  const { place, fix } = check.blame(first);
  // Schema findings already name their pointer; say it once.
  const at = first.pointer && !first.message.includes(first.pointer) ? ` (at ${first.pointer})` : '';
  const more = findings.length > 1 ? `; and ${findings.length - 1} more finding(s)` : '';
  return new ArtifactError(first.code, `${first.message}${at}${more}; nothing was written`, { member: place, hint: fix });
}
