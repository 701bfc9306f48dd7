import { ArtifactError, LimitError } from '../errors.js';
import { parseJsonBytes } from './json-bytes.js';
import type { Json, JsonObject } from './json-types.js';
import type { MemberStore } from './member-store.js';

export interface JsonLimits {
  /** Largest root JSON member (manifest, ops, metadata…) read into memory. */
  maxJsonMember: number;
  /** Deepest nesting of arrays/objects accepted in such a member. */
  maxJsonDepth: number;
  /**
   * Most arrays, objects and array/object elements in one member. Bytes alone do not bound memory:
   * 8 MiB of `[{},{},…]` parses into ~300 MiB of objects.
   */
  maxJsonValues: number;
  /**
   * Most JSON bytes one reading of an artifact parses in all (root files plus every sidecar and
   * patch): the count of sidecars is the archive's choice, and each parsed one is kept.
   */
  maxJsonTotal: number;
  /**
   * Most values (as maxJsonValues counts them) one reading of an artifact parses in all: 400
   * sidecars of 999,999 `{}` each pass every per-member bound, and each parsed entry is kept.
   */
  maxJsonValuesTotal: number;
  /** Most manifest patches one reading applies (each append adds one; their count is the archive's choice). */
  maxManifestPatches: number;
}

export const DEFAULT_JSON_LIMITS: JsonLimits = {
  maxJsonMember: 64 * 1024 * 1024,
  maxJsonDepth: 256,
  maxJsonValues: 1_000_000,
  maxJsonTotal: 256 * 1024 * 1024,
  // Measured: 499,000 empty metadata entries cost inspect ~300 MiB before this bound; one million
  // values across the artifact keeps every command under 512 MiB.
  maxJsonValuesTotal: 1_000_000,
  // Applied in one pass, 20,000 patches cost validate about a second; 10,000 is far past any
  // history of appends, and a bound on the members read, parsed and schema-checked for them.
  maxManifestPatches: 10_000,
};

export type { Json, JsonObject } from './json-types.js';

/**
 * Reads and parses one JSON member, refusing sizes over the limit before reading a byte and
 * naming the member in every error. Returns undefined when the member does not exist.
 */
export async function readJsonMember(
  store: MemberStore,
  name: string,
  limits: JsonLimits = DEFAULT_JSON_LIMITS,
  signal?: AbortSignal,
): Promise<Json | undefined> {
  const size = await store.sizeOf(name, signal);
  if (size === undefined) return undefined;
  if (size > limits.maxJsonMember) {
    throw new LimitError('maxJsonMember', `${size} bytes of JSON is over the limit of ${limits.maxJsonMember}`, { member: name });
  }
  return parseJson(await store.read(name, signal), name, limits.maxJsonDepth, limits.maxJsonValues);
}

/**
 * A readJsonMember that charges every member to budgets shared by one reading of an artifact:
 * its size to maxJsonTotal before reading it, its values to maxJsonValuesTotal before parsing.
 */
export function budgetedJsonReader(
  store: MemberStore,
  limits: JsonLimits = DEFAULT_JSON_LIMITS,
  signal?: AbortSignal,
  parsed?: ParsedMembers,
): (name: string) => Promise<Json | undefined> {
  let spent = 0;
  let valuesSpent = 0;
  return async (name) => {
    const size = await store.sizeOf(name, signal);
    if (size === undefined) return undefined;
    if (size > limits.maxJsonMember) {
      throw new LimitError('maxJsonMember', `${size} bytes of JSON is over the limit of ${limits.maxJsonMember}`, { member: name });
    }
    spent += size;
    if (spent > limits.maxJsonTotal) {
      throw new LimitError(
        'maxJsonTotal',
        `reading this member takes the artifact's JSON past ${limits.maxJsonTotal} bytes in all (root files, sidecars, patches)`,
        { member: name },
      );
    }
    const left = limits.maxJsonValuesTotal - valuesSpent;
    const bound: ValueBound =
      left < limits.maxJsonValues
        ? {
            limit: 'maxJsonValuesTotal',
            max: left,
            message: `takes the artifact's JSON past ${limits.maxJsonValuesTotal} values in all (root files, sidecars, patches)`,
          }
        : { limit: 'maxJsonValues', max: limits.maxJsonValues, message: `JSON holds more than ${limits.maxJsonValues} values` };
    const known = parsed?.get(name, limits.maxJsonDepth);
    // Parsed before under the same depth bound: charged as a parse would be, and refused past the same count.
    if (known && known.values > bound.max) throw new LimitError(bound.limit, bound.message, { member: name });
    const member = known ?? parseMember(await store.read(name, signal), name, limits.maxJsonDepth, bound, store.handsOverReads === true);
    if (!known) parsed?.set(name, limits.maxJsonDepth, member);
    valuesSpent += member.values;
    return member.value;
  };
}

/**
 * Members already parsed, shared by several readings of one unchanged store: append-meta reads
 * the artifact, validates it as it would be and, when that finds errors, as it is. Parsed once,
 * four 63 MiB members were held once instead of once per reading. Readers never change a parsed
 * value (a patched manifest is a copy). `except`: names a reading must parse anew (the members a
 * write plans over the store's).
 */
export class ParsedMembers {
  constructor(
    private readonly members = new Map<string, { value: Json; values: number; maxDepth: number }>(),
    private readonly skipped: ReadonlySet<string> = new Set(),
  ) {}

  /** The same members, less the names given (which are read and parsed anew, and not kept). */
  except(names: Iterable<string>): ParsedMembers {
    return new ParsedMembers(this.members, new Set([...this.skipped, ...names]));
  }

  get(name: string, maxDepth: number): { value: Json; values: number } | undefined {
    const known = this.skipped.has(name) ? undefined : this.members.get(name);
    return known?.maxDepth === maxDepth ? known : undefined;
  }

  set(name: string, maxDepth: number, member: { value: Json; values: number }): void {
    if (!this.skipped.has(name)) this.members.set(name, { ...member, maxDepth });
  }
}

/** Members from this size are parsed from their bytes (json-bytes.ts); below it a whole text is too small to matter. */
export const BYTES_PARSE_MIN = 1024 * 1024;

/**
 * One member's value and its count (checkShape's), with the member named in every error. `owned`:
 * the bytes are the caller's to free, and are freed as soon as they are no longer needed.
 */
function parseMember(bytes: Uint8Array, member: string, maxDepth: number, bound: ValueBound, owned: boolean) {
  const fast = bytes.length >= BYTES_PARSE_MIN ? parseJsonBytes(bytes, maxDepth, bound.max) : undefined;
  if (fast) {
    if (owned) release(bytes);
    return fast;
  }
  const text = decodeJson(bytes, member);
  if (owned) release(bytes);
  const values = checkShape(text, member, maxDepth, bound);
  return { value: parseText(text, member), values };
}

/** Which limit a value count runs into, and how to say so. */
interface ValueBound {
  limit: 'maxJsonValues' | 'maxJsonValuesTotal';
  max: number;
  message: string;
}

export function parseJson(
  bytes: Uint8Array,
  member: string,
  maxDepth = DEFAULT_JSON_LIMITS.maxJsonDepth,
  maxValues = DEFAULT_JSON_LIMITS.maxJsonValues,
): Json {
  const bound: ValueBound = { limit: 'maxJsonValues', max: maxValues, message: `JSON holds more than ${maxValues} values` };
  return parseMember(bytes, member, maxDepth, bound, false).value;
}

/**
 * Frees an array's memory now: moving its buffer away detaches it, and the moved copy is dropped
 * young. Only for bytes the caller owns whole (MemberStore.handsOverReads).
 */
function release(bytes: Uint8Array): void {
  structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
}

function decodeJson(bytes: Uint8Array, member: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ArtifactError('JSON_INVALID', 'is not valid UTF-8', { member });
  }
}

function parseText(text: string, member: string): Json {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body) as Json;
  } catch (e) {
    throw new ArtifactError('JSON_INVALID', `is not valid JSON: ${withLineColumn((e as Error).message, body)}`, { member });
  }
}

/**
 * V8 names a character offset ("at position 18"; Node 22+ adds "(line 3 column 7)"): people and
 * editors go by line and column, so every Node says "at line 3, column 7" alone.
 */
export function withLineColumn(message: string, text: string): string {
  const found = / at position (\d+)(?: \(line \d+ column \d+\))?/.exec(message);
  if (!found) return message;
  const at = Math.min(Number(found[1]), text.length);
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return message.replace(found[0], ` at line ${line}, column ${at - lineStart + 1}`);
}

/**
 * JSON.parse recurses and allocates per value; bound depth and value count first so a hostile
 * file can neither blow the stack nor the heap. Returns the values counted.
 *
 * It jumps from one bracket, comma or quote to the next (RegExp test, which allocates nothing)
 * and over whole strings (indexOf): a loop over every character is, interpreted, the slowest part
 * of a short command's start (bench/startup.mjs).
 */
export function checkShape(text: string, member: string, maxDepth: number, bound: ValueBound): number {
  let depth = 0;
  let values = 0;
  STRUCTURAL.lastIndex = 0;
  while (STRUCTURAL.test(text)) {
    const at = STRUCTURAL.lastIndex - 1;
    const c = text.charCodeAt(at);
    if (c === 0x22) STRUCTURAL.lastIndex = closingQuote(text, at) + 1;
    else if (c === 0x5d || c === 0x7d) depth--;
    else {
      if (++values > bound.max) throw new LimitError(bound.limit, bound.message, { member });
      if (c !== 0x2c && ++depth > maxDepth) throw new LimitError('maxJsonDepth', `JSON nests deeper than ${maxDepth} levels`, { member });
    }
  }
  return values;
}

/** What checkShape stops at: a quote, a bracket or brace, a comma. */
const STRUCTURAL = /["[\]{},]/g;

/**
 * Where the string opened at `open` ends (its closing quote), or the text's end. Linear: each run
 * of backslashes is counted once, by the one quote that follows it.
 */
function closingQuote(text: string, open: number): number {
  for (let at = text.indexOf('"', open + 1); at >= 0; at = text.indexOf('"', at + 1)) {
    let slashes = 0;
    while (text.charCodeAt(at - 1 - slashes) === 0x5c) slashes++;
    if (slashes % 2 === 0) return at;
  }
  return text.length;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
