/** What every rule may look at: the members, and the root JSON already read and type-checked. */
import type { Json, JsonObject } from '../artifact/json-member.js';
import type { MemberInfo, MemberStore } from '../artifact/member-store.js';
import type { ByteSource } from '../source/byte-source.js';
import type { FileIndex } from '../tar/entry.js';
import { rangeIn } from '../tar/file-index.js';

export type { JsonObject } from '../artifact/json-member.js';

/** Where a member's bytes are, for readers that must not load it whole (the ONNX reader). */
export interface MemberRange {
  source: ByteSource;
  offset: number;
  size: number;
  /** Closes a source opened just for this member. */
  close?: () => Promise<void>;
}

export interface RuleContext {
  store: MemberStore;
  /** After last-wins, in archive order. */
  members: MemberInfo[];
  files: FileIndex;
  /** The effective manifest (patches applied), when it is an object. */
  manifest?: JsonObject;
  ops?: Json[];
  variantConfig?: JsonObject;
  /** Names defined in dtypes.json (empty when it is missing or broken). */
  customDtypes: ReadonlySet<string>;
  memberRange(name: string): Promise<MemberRange | undefined>;
  signal?: AbortSignal;
}

export function hasFile(ctx: RuleContext, name: string): boolean {
  return rangeIn(ctx.files, name) !== undefined;
}
