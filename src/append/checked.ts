/**
 * Every append runs the validator on the artifact as it would be, inside the planner, so a refusal
 * happens before the first byte is written (appends cannot be undone, so there is no bypass).
 */
import type { ParsedMembers } from '../artifact/json-member.js';
import type { ArtifactContents } from '../artifact/reader.js';
import type { MemberInput } from '../artifact/member-input.js';
import type { MemberStore } from '../artifact/member-store.js';
import type { Diagnostic } from '../validate/diagnostics.js';
import type { ValidateOptions } from '../validate/validate.js';
import { refuseInvalidResult } from '../validate/would-be.js';

/**
 * Decides what to append once the artifact has been read (and may refuse, before any write).
 * `parsed`: the members that reading parsed, for a check of the result to reuse.
 */
export type AppendPlanner = (store: MemberStore, contents: ArtifactContents, parsed?: ParsedMembers) => Promise<MemberInput[]>;

/** What the user gave that a refused append came from, e.g. `--entry report.json`. */
export interface AppendInput {
  /** The file as the user named it. */
  file: string;
  /** How the command line gave it: "the --entry file", "the --patch file", "the card page". */
  as: string;
}

/** `limits`: the reading limits the result is validated under (a card built under raised zip limits is checked under them). */
export function checkedPlanner(
  plan: AppendPlanner,
  label: string,
  input: AppendInput,
  options: { limits?: ValidateOptions['limits'] } = {},
): AppendPlanner {
  return async (store, contents, parsed) => {
    const planned = await plan(store, contents, parsed);
    const mine = new Set(planned.map((m) => m.name));
    const blame = (d: Diagnostic) => ({
      // A finding in a member this append would write is about the user's file; never name a sidecar that was never written.
      place: d.member !== null && mine.has(d.member) ? input.file : label,
      fix: `fix ${input.as} ${input.file} and run again; ${label} is unchanged (\`fnnx-kit validate\` explains each rule)`,
    });
    await refuseInvalidResult({ base: store, planned, label, refuse: 'strict', blame, limits: options.limits, parsed });
    return planned;
  };
}
